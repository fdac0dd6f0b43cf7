import { ApplicationFailure, Context } from '@temporalio/activity';
import { SceneIdentityMismatchError, verifySceneIdentity } from '../client/scene-identity-check';
import type { SceneVideoResult } from '../workflows/definitions';
import { identityMismatchType, type SceneIdentity } from '../workflows/scene-identity';

/**
 * A project met a scene whose workflow already exists (running, or finished by an earlier run): wait for that run's
 * result instead of generating and paying again. Heartbeats keep a long wait alive across worker restarts. With
 * `expected` (projects since `unambiguous-scene-ids`), a run holding another scene is refused, not waited for.
 */
export async function awaitSceneResult(workflowId: string, expected?: SceneIdentity): Promise<SceneVideoResult> {
  const ctx = Context.current();
  if (expected) await verifyChild(ctx.client, workflowId, expected);
  const beat = setInterval(() => ctx.heartbeat(), 5_000);
  try {
    return (await ctx.client.workflow.getHandle(workflowId).result()) as SceneVideoResult;
  } finally {
    clearInterval(beat);
  }
}

async function verifyChild(client: Context['client'], workflowId: string, expected: SceneIdentity): Promise<void> {
  try {
    await verifySceneIdentity(client, await client.workflow.getHandle(workflowId).describe(), expected);
  } catch (err) {
    if (err instanceof SceneIdentityMismatchError)
      throw ApplicationFailure.nonRetryable(err.message, identityMismatchType);
    throw err;
  }
}
