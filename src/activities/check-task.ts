import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { checkTaskRetryTypes, type PollStatusInput, type PollStatusOutput } from '../contract/activities';
import { metricsOf, type ActivityDeps } from './dependencies';
import { pollOnce, resumedHeartbeat } from './poll-status';

/**
 * Looks at the provider's task once: polling through activity retries (bench B9 chose it over in-activity polling and
 * a polling child workflow: no slot held between looks, 11 history events whatever the render, at 1.1–1.5× the
 * worker CPU). Not done yet, it fails with a retryable failure naming the next look's delay (`intervalMs`, or a
 * backoff after an unreadable status), so between two looks the scene holds no activity slot and its history gains no
 * event, and the Web UI shows the pending activity's attempt and last answer ("… is still running (40 %)"). What one
 * look must pass to the next travels in the heartbeat, which the server hands to the next attempt. The schedule-to-close
 * timeout is the provider's deadline, as for pollStatus.
 */
export function createCheckTask(deps: ActivityDeps) {
  const metrics = metricsOf(deps);
  return async function checkTask(input: PollStatusInput): Promise<PollStatusOutput> {
    const hb = resumedHeartbeat(input);
    const provider = { provider: input.provider };
    // Between looks a task is nobody's: the gauge counts the looks under way, as it counts pollStatus's whole polls.
    metrics.add('tasksInFlight', 1, provider);
    let step;
    try {
      step = await pollOnce(deps, input, hb, Date.now());
    } finally {
      metrics.add('tasksInFlight', -1, provider);
    }
    if ('done' in step) return step.done;
    heartbeat(hb);
    const again = `asked again in ${Math.round(step.againInMs / 1000)} s`;
    throw ApplicationFailure.create({
      message: `${step.why}; ${again}`,
      type: step.running ? checkTaskRetryTypes.running : checkTaskRetryTypes.unreadable,
      nextRetryDelay: step.againInMs,
      // Logged at debug and left out of the SDK's failure metrics: an answer, not a fault.
      ...(step.running && { category: ApplicationFailureCategory.BENIGN }),
    });
  };
}
