import { Context, log } from '@temporalio/activity';
import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { SceneIdentityMismatchError, verifySceneIdentity } from '../client/scene-identity-check';
import { getProgress, type SceneProgress, type SceneVideoResult } from '../contract/scene-workflow';
import { sceneEndedTypes } from '../contract/project-workflow';
import { identityMismatchType, type SceneIdentity } from '../domain/scene-identity';
import { searchAttributes } from '../contract/search-attributes';

const queryTimeoutMs = 20_000;

/**
 * A project met a scene whose workflow already exists (running, or finished by an earlier run): wait for that run's
 * result instead of generating and paying again. Heartbeats keep a long wait alive across worker restarts. With
 * `expected` (projects since `unambiguous-scene-ids`), a run holding another scene is refused, not waited for.
 *
 * A scene that ended without a clip (failed, cancelled, terminated, timed out) is a non-retryable failure whose type
 * says how it ended and whose details carry the scene's `SceneProgress` snapshot, so the project records the money it
 * committed; waiting again would only read the same ending. The project also calls this once a scene it cancelled has
 * closed, to learn what that scene spent.
 */
export async function awaitSceneResult(workflowId: string, expected?: SceneIdentity): Promise<SceneVideoResult> {
  const ctx = Context.current();
  if (expected) await verifyChild(ctx.client, workflowId, expected);
  const beat = setInterval(() => ctx.heartbeat(), 5_000);
  try {
    const handle = ctx.client.workflow.getHandle<() => Promise<SceneVideoResult>>(workflowId);
    return await ctx.client.withAbortSignal(ctx.cancellationSignal, () => handle.result());
  } catch (err) {
    if (ctx.cancellationSignal.aborted) throw new CancelledFailure(`stopped waiting for scene ${workflowId}`);
    if (err instanceof WorkflowFailedError) throw await sceneEnded(ctx.client, workflowId, err);
    if (err instanceof WorkflowNotFoundError)
      throw ApplicationFailure.create({
        type: sceneEndedTypes.notFound,
        nonRetryable: true,
        message: `scene workflow ${workflowId} does not exist (it never started, or its history was deleted by retention)`,
      });
    throw err;
  } finally {
    clearInterval(beat);
  }
}

async function sceneEnded(client: Client, workflowId: string, err: WorkflowFailedError): Promise<ApplicationFailure> {
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    // The scene failed on its own terms: its failure already carries its snapshot.
    return ApplicationFailure.create({
      type: sceneEndedTypes.failed,
      nonRetryable: true,
      message: cause.message,
      details: [cause.details?.[0]],
      category: 'BENIGN', // the scene logged its own failure; for the project it is an outcome to record
    });
  }
  const [type, how] =
    cause instanceof CancelledFailure
      ? [sceneEndedTypes.cancelled, 'was cancelled']
      : cause instanceof TerminatedFailure
        ? [sceneEndedTypes.terminated, 'was terminated']
        : cause instanceof TimeoutFailure
          ? [sceneEndedTypes.timedOut, 'timed out']
          : [sceneEndedTypes.failed, `failed: ${cause?.message ?? err.message}`];
  const phase = cause instanceof CancelledFailure ? 'cancelled' : 'failed';
  const known = await lastSnapshot(client, workflowId, phase);
  if ('unknownBecause' in known)
    // No snapshot, so no charge: the project's ledger keeps the scene's whole allowance as spent.
    return ApplicationFailure.create({
      type,
      nonRetryable: true,
      message: `scene workflow ${workflowId} ${how}; what it committed is unknown (${known.unknownBecause})`,
      category: 'BENIGN',
    });
  const { snapshot } = known;
  return ApplicationFailure.create({
    type,
    nonRetryable: true,
    message: `scene workflow ${workflowId} ${how} after committing $${snapshot.totalCostUsd}`,
    details: [snapshot],
    category: 'BENIGN',
  });
}

/**
 * What a closed scene had spent: its progress query (a worker replays it), else its CostUsd search attribute, which a
 * scene sets only when it finishes. Neither: the cost is unknown (never $0), with why, which is logged.
 */
async function lastSnapshot(
  client: Client,
  workflowId: string,
  phase: 'cancelled' | 'failed',
): Promise<{ snapshot: SceneProgress } | { unknownBecause: string }> {
  const handle = client.workflow.getHandle(workflowId);
  let queryError: unknown;
  try {
    return { snapshot: await client.withDeadline(Date.now() + queryTimeoutMs, () => handle.query(getProgress)) };
  } catch (err) {
    queryError = err;
  }
  const why = `its progress query failed: ${errorText(queryError)}`;
  const description = await handle.describe();
  const costUsd = description.typedSearchAttributes.get(searchAttributes.costUsd);
  const sceneId = description.typedSearchAttributes.get(searchAttributes.sceneId) ?? '';
  if (costUsd === undefined) {
    const unknownBecause = `${why}, and it set no CostUsd search attribute`;
    log.warn(`Scene workflow ${workflowId}: cost unknown, ${unknownBecause}`);
    return { unknownBecause };
  }
  log.warn(`Scene workflow ${workflowId}: ${why}; cost read from its CostUsd search attribute ($${costUsd})`);
  return { snapshot: { sceneId, phase, ranking: [], attempts: [], totalCostUsd: costUsd, costByProvider: {} } };
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message;
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
