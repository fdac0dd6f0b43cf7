import { activityInfo, ApplicationFailure, Context, heartbeat, log } from '@temporalio/activity';
import { ProviderError, type ProviderTaskSnapshot, type TaskState } from '../providers/types';
import { failureTypes, providerProgress, type ProviderProgressUpdate } from '../contract/scene-workflow';
import type { AttemptFailureDetails, PollHeartbeat, PollStatusInput, PollStatusOutput } from '../contract/activities';
import { recordTaskTimes } from '../domain/task-times';
import { taskVerdict, type TaskVerdict } from '../domain/task-verdict';
import { callOptions, clientFor, metricsOf, type ActivityDeps } from './dependencies';

const maxConsecutiveErrors = 6;
export const permanentKinds = new Set(['auth', 'not_found', 'validation', 'insufficient_credits']);

/** What one look at a task found: its end, or when to look again and why. */
export type PollStep = { done: PollStatusOutput } | { againInMs: number; running: boolean; why: string };

/**
 * One look at a remote task, shared by the two polling shapes (pollStatus's loop, checkTask's retries). Everything it
 * must remember between looks (polls, consecutive errors, throttled time, whether the workflow heard that rendering
 * started) is in the heartbeat `hb`, so either shape resumes where the last look left off, on any worker. Throws the
 * attempt's end when the task failed, its status cannot be read for good, or a deadline passed.
 */
export async function pollOnce(
  deps: ActivityDeps,
  input: PollStatusInput,
  hb: PollHeartbeat,
  attemptStartedAt: number,
): Promise<PollStep> {
  const ctx = Context.current();
  let snapshot: ProviderTaskSnapshot;
  try {
    snapshot = await clientFor(deps, input.route).getTask(input.taskId, callOptions(deps, ctx.cancellationSignal));
    hb.errors = 0;
  } catch (err) {
    if (ctx.cancellationSignal.aborted) throw err;
    const errors = (hb.errors = (hb.errors ?? 0) + 1);
    const permanent = err instanceof ProviderError && permanentKinds.has(err.kind);
    const why = `${input.provider} status of task ${input.taskId}: ${errors} consecutive error(s), last: ${(err as Error).message}`;
    if (permanent || errors >= maxConsecutiveErrors)
      throw ApplicationFailure.create({ message: why, type: failureTypes.pollFailed, nonRetryable: true });
    const retryAfterMs = err instanceof ProviderError ? err.retryAfterMs : undefined;
    const backoffMs =
      retryAfterMs !== undefined ? Math.min(retryAfterMs, 120_000) : Math.min(input.intervalMs * 2 ** errors, 60_000);
    // Never sooner than the interval: a webhook's backstop looks every few minutes, and an error must not quicken it.
    const againInMs = Math.max(backoffMs, input.intervalMs);
    return { againInMs, running: false, why };
  }

  hb.polls++;
  hb.state = snapshot.state;
  hb.progress = snapshot.progress;
  countThrottled(hb, snapshot.throttled === true);
  await signalProgress(input, hb, snapshot);
  if (terminalStates.has(snapshot.state)) {
    const polled = { elapsedMs: pollElapsedMs(attemptStartedAt), throttledMs: hb.throttledMs ?? 0 };
    recordTaskTimes(metricsOf(deps), input.provider, snapshot, polled, Date.now());
  }
  const verdict = taskVerdict(input.provider, snapshot);
  if (verdict?.ok)
    return { done: { snapshot, videoUrl: verdict.videoUrl, polls: hb.polls, throttledMs: hb.throttledMs ?? 0 } };
  if (verdict) throw verdictFailure(verdict);
  if (input.deadlines) checkDeadlines(input, input.deadlines, hb.throttledMs ?? 0, attemptStartedAt);
  const progress = snapshot.progress === undefined ? '' : ` (${Math.round(snapshot.progress * 100)} %)`;
  const state = snapshot.throttled ? "throttled behind the account's concurrency limit" : snapshot.state;
  return {
    againInMs: input.intervalMs,
    running: true,
    why: `${input.provider} task ${input.taskId} is still ${state}${progress}`,
  };
}

/** The heartbeat of a poll of this task: resumed from the last attempt's, or new. */
export function resumedHeartbeat(input: PollStatusInput): PollHeartbeat {
  const resumed = activityInfo().heartbeatDetails as PollHeartbeat | undefined;
  return resumed?.taskId === input.taskId ? resumed : { taskId: input.taskId, polls: 0, signalled: false };
}

/**
 * Polls one remote task to a terminal state inside a single activity: heartbeats carry the task id and poll count,
 * so a retry after a worker crash resumes the same remote task, and history gains no events per poll. It holds an
 * activity slot for the whole render; runs since `poll-through-retries` poll with checkTask instead (B9).
 */
export function createPollStatus(deps: ActivityDeps) {
  const metrics = metricsOf(deps);
  const poll = async (input: PollStatusInput): Promise<PollStatusOutput> => {
    const ctx = Context.current();
    const hb = resumedHeartbeat(input);
    const attemptStartedAt = Date.now();
    for (;;) {
      const step = await pollOnce(deps, input, hb, attemptStartedAt);
      if ('done' in step) return step.done;
      // Only a poll that waits on heartbeats: an answer in hand goes back with the completion, one RPC sooner.
      heartbeat(hb);
      await ctx.sleep(step.againInMs);
    }
  };
  return async function pollStatus(input: PollStatusInput): Promise<PollStatusOutput> {
    const provider = { provider: input.provider };
    metrics.add('tasksInFlight', 1, provider);
    try {
      return await poll(input);
    } finally {
      metrics.add('tasksInFlight', -1, provider);
    }
  };
}

const terminalStates = new Set<TaskState>(['succeeded', 'failed', 'cancelled']);

/** A task that ended without a clip fails the poll for good, its verdict's type telling the workflow why. */
export function verdictFailure(verdict: Extract<TaskVerdict, { ok: false }>): ApplicationFailure {
  return ApplicationFailure.create({
    message: verdict.message,
    type: verdict.type,
    nonRetryable: true,
    details: verdict.details === undefined ? undefined : [verdict.details],
  });
}

/**
 * Adds up the time a task is seen throttled, into the heartbeat so the next look (a later retry, another worker) goes
 * on from there. Only the time between two looks that both saw it throttled counts: the deadline it relieves errs on
 * the side of the render.
 */
function countThrottled(hb: PollHeartbeat, throttled: boolean): void {
  const at = Date.now();
  if (throttled && hb.throttled && hb.lastPollAt !== undefined)
    hb.throttledMs = (hb.throttledMs ?? 0) + Math.max(0, at - hb.lastPollAt);
  hb.lastPollAt = at;
  hb.throttled = throttled;
}

/**
 * Time since the poll was first scheduled, across its retries: a difference of the server's timestamps added to one of
 * this worker's clock, never one against the other, so a worker clock off the server's moves nothing.
 */
export function pollElapsedMs(attemptStartedAt: number): number {
  const { scheduledTimestampMs, currentAttemptScheduledTimestampMs } = activityInfo();
  return currentAttemptScheduledTimestampMs - scheduledTimestampMs + (Date.now() - attemptStartedAt);
}

/**
 * The render deadline bounds the time polled less the throttled time; the queue deadline bounds the throttled time.
 * Either ends the attempt (the workflow cancels the abandoned task).
 */
function checkDeadlines(
  input: PollStatusInput,
  deadlines: { renderMs: number; queueMs: number },
  throttledMs: number,
  attemptStartedAt: number,
) {
  const renderMs = pollElapsedMs(attemptStartedAt) - throttledMs;
  const throttledSec = Math.round(throttledMs / 1000);
  let message: string | undefined;
  if (throttledMs > deadlines.queueMs)
    message = `${throttledSec} s throttled behind the account's concurrency limit, over the queue deadline of ${deadlines.queueMs} ms (polling.queueDeadlineMs)`;
  else if (renderMs > deadlines.renderMs) {
    // Only a task that was throttled (Runway's) has time to leave out; for the others the clause would be noise.
    const notCounting =
      throttledMs > 0 ? `; not counting ${throttledSec} s throttled behind the account's concurrency limit` : '';
    message = `no result within the provider deadline (polling.providerDeadlineMs, ${deadlines.renderMs} ms of it left when polling started${notCounting})`;
  }
  if (message === undefined) return;
  throw ApplicationFailure.create({
    message: `${input.provider} task ${input.taskId}: ${message}; the attempt gives the task up`,
    type: failureTypes.deadlineMissed,
    nonRetryable: true,
    details: [{ throttledMs } satisfies AttemptFailureDetails],
  });
}

/**
 * Tells the workflow once, when rendering starts: one signal (4 history events) per task keeps a single attempt within
 * 40 events whatever the render time. Live progress is in the heartbeat, which `getSceneProgress` reads.
 */
async function signalProgress(
  input: PollStatusInput,
  hb: PollHeartbeat,
  snapshot: ProviderTaskSnapshot,
): Promise<void> {
  if (snapshot.state !== 'running' || hb.signalled) return;
  const update: ProviderProgressUpdate = {
    provider: input.provider,
    taskId: input.taskId,
    state: snapshot.state,
    progress: snapshot.progress,
  };
  const { workflowExecution } = activityInfo();
  if (!workflowExecution) return;
  try {
    await Context.current()
      .client.workflow.getHandle(workflowExecution.workflowId, workflowExecution.runId)
      .signal(providerProgress, update);
    hb.signalled = true;
  } catch (err) {
    // Progress is advisory; polling must go on even if the signal cannot be delivered right now.
    log.warn('progress signal not delivered', { taskId: input.taskId, error: (err as Error).message });
  }
}
