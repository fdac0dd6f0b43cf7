import { Context } from '@temporalio/activity';
import type { SceneVideoResult } from '../workflows/definitions';

/**
 * A project met a scene whose workflow already exists (running, or finished by an earlier run): wait for that run's
 * result instead of generating and paying again. Heartbeats keep a long wait alive across worker restarts.
 */
export async function awaitSceneResult(workflowId: string): Promise<SceneVideoResult> {
  const ctx = Context.current();
  const beat = setInterval(() => ctx.heartbeat(), 5_000);
  try {
    return (await ctx.client.workflow.getHandle(workflowId).result()) as SceneVideoResult;
  } finally {
    clearInterval(beat);
  }
}
