import { activityInfo, ApplicationFailure, Context } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { checkTaskRetryTypes, type PollStatusInput, type PollStatusOutput } from '../contract/activities';
import { failureTypes } from '../contract/scene-workflow';
import { recordTaskTimes } from '../domain/task-times';
import { taskVerdict } from '../domain/task-verdict';
import { ProviderError } from '../providers/types';
import { callOptions, clientFor, metricsOf, type ActivityDeps } from './dependencies';
import { permanentKinds, pollElapsedMs, verdictFailure } from './poll-status';

/** The longest a provider's Retry-After may hold the next check back. */
const maxRetryAfterMs = 120_000;

/**
 * Asks the provider once how its task is doing: polling through activity retries. Not done yet, it fails with a
 * benign, retryable failure naming `intervalMs` as the next retry's delay, so between two checks the scene holds no
 * activity slot, the history gains no event, and the Web UI shows the pending activity's attempt and last answer
 * ("task … is still running (40 %)"). The schedule-to-close timeout is the provider's deadline, as for pollStatus.
 */
export function createCheckTask(deps: ActivityDeps) {
  const metrics = metricsOf(deps);
  return async function checkTask(input: PollStatusInput): Promise<PollStatusOutput> {
    const ctx = Context.current();
    const startedAt = Date.now();
    const client = clientFor(deps, input.route);
    const polls = activityInfo().attempt;
    let snapshot;
    try {
      snapshot = await client.getTask(input.taskId, callOptions(deps, ctx.cancellationSignal));
    } catch (err) {
      if (ctx.cancellationSignal.aborted) throw err;
      const message = `${input.provider} status of task ${input.taskId}: ${(err as Error).message}`;
      if (err instanceof ProviderError && permanentKinds.has(err.kind))
        throw ApplicationFailure.create({ message, type: failureTypes.pollFailed, nonRetryable: true });
      const retryAfterMs = err instanceof ProviderError ? err.retryAfterMs : undefined;
      throw ApplicationFailure.create({
        message,
        type: checkTaskRetryTypes.unreadable,
        nextRetryDelay: Math.min(retryAfterMs ?? input.intervalMs, maxRetryAfterMs),
      });
    }
    const verdict = taskVerdict(input.provider, snapshot);
    if (verdict) {
      const polled = { elapsedMs: pollElapsedMs(startedAt), throttledMs: 0 };
      recordTaskTimes(metrics, input.provider, snapshot, polled, Date.now());
    }
    if (verdict?.ok) return { snapshot, videoUrl: verdict.videoUrl, polls, throttledMs: 0 };
    if (verdict) throw verdictFailure(verdict);
    const progress = snapshot.progress === undefined ? '' : ` (${Math.round(snapshot.progress * 100)} %)`;
    throw ApplicationFailure.create({
      message: `${input.provider} task ${input.taskId} is still ${snapshot.state}${progress}; asked again in ${Math.round(input.intervalMs / 1000)} s`,
      type: checkTaskRetryTypes.running,
      nextRetryDelay: input.intervalMs,
      // Logged at debug and left out of the SDK's failure metrics: an answer, not a fault.
      category: ApplicationFailureCategory.BENIGN,
    });
  };
}
