import { activityInfo, ApplicationFailure, Context, heartbeat, log } from '@temporalio/activity';
import { ProviderError, type ProviderTaskSnapshot, type TaskState } from '../providers/types';
import { failureTypes, providerProgress, type ProviderProgressUpdate } from '../contract/scene-workflow';
import type { AttemptFailureDetails, PollHeartbeat, PollStatusInput, PollStatusOutput } from '../contract/activities';
import { recordTaskTimes } from '../domain/task-times';
import { taskVerdict, type TaskVerdict } from '../domain/task-verdict';
import { callOptions, clientFor, metricsOf, type ActivityDeps } from './dependencies';

const maxConsecutiveErrors = 6;
export const permanentKinds = new Set(['auth', 'not_found', 'validation', 'insufficient_credits']);

/**
 * Polls one remote task to a terminal state inside a single activity: heartbeats carry the task id and poll count,
 * so a retry after a worker crash resumes the same remote task, and history gains no events per poll.
 */
export function createPollStatus(deps: ActivityDeps) {
  const metrics = metricsOf(deps);
  const poll = async (input: PollStatusInput): Promise<PollStatusOutput> => {
    const ctx = Context.current();
    const client = clientFor(deps, input.route);
    const resumed = activityInfo().heartbeatDetails as PollHeartbeat | undefined;
    const hb: PollHeartbeat =
      resumed?.taskId === input.taskId ? resumed : { taskId: input.taskId, polls: 0, signalled: false };
    let consecutiveErrors = 0;
    const clock = new ThrottleClock(hb);
    const attemptStartedAt = Date.now();
    const call = callOptions(deps, ctx.cancellationSignal);

    for (;;) {
      let snapshot: ProviderTaskSnapshot;
      try {
        snapshot = await client.getTask(input.taskId, call);
        consecutiveErrors = 0;
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw err;
        consecutiveErrors++;
        const permanent = err instanceof ProviderError && permanentKinds.has(err.kind);
        if (permanent || consecutiveErrors >= maxConsecutiveErrors) {
          throw ApplicationFailure.create({
            message: `${input.provider} status of task ${input.taskId}: ${consecutiveErrors} consecutive error(s), last: ${(err as Error).message}`,
            type: failureTypes.pollFailed,
            nonRetryable: true,
          });
        }
        heartbeat(hb);
        const backoff = Math.min(input.intervalMs * 2 ** consecutiveErrors, 60_000);
        await ctx.sleep(
          err instanceof ProviderError && err.retryAfterMs !== undefined
            ? Math.min(err.retryAfterMs, 120_000)
            : backoff,
        );
        continue;
      }

      hb.polls++;
      hb.state = snapshot.state;
      hb.progress = snapshot.progress;
      clock.polled(snapshot.throttled === true);
      await signalProgress(input, hb, snapshot);
      if (terminalStates.has(snapshot.state)) {
        const polled = { elapsedMs: pollElapsedMs(attemptStartedAt), throttledMs: hb.throttledMs ?? 0 };
        recordTaskTimes(metrics, input.provider, snapshot, polled, Date.now());
      }

      const verdict = taskVerdict(input.provider, snapshot);
      if (verdict?.ok)
        return { snapshot, videoUrl: verdict.videoUrl, polls: hb.polls, throttledMs: hb.throttledMs ?? 0 };
      if (verdict) throw verdictFailure(verdict);
      if (input.deadlines) checkDeadlines(input, input.deadlines, hb.throttledMs ?? 0, attemptStartedAt);
      // Only a poll that waits on heartbeats: an answer in hand goes back with the completion, one RPC sooner.
      heartbeat(hb);
      await ctx.sleep(input.intervalMs);
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
 * Adds up the time a task is seen throttled, into the heartbeat so a retried poll goes on from there. Only the time
 * between two polls that both saw it throttled counts: the deadline it relieves errs on the side of the render.
 */
class ThrottleClock {
  private lastPoll?: { at: number; throttled: boolean };

  constructor(private readonly hb: PollHeartbeat) {}

  polled(throttled: boolean): void {
    const at = Date.now();
    if (throttled && this.lastPoll?.throttled) this.hb.throttledMs = (this.hb.throttledMs ?? 0) + at - this.lastPoll.at;
    this.lastPoll = { at, throttled };
    this.hb.throttled = throttled;
  }
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
