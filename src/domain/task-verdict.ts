import type { AttemptFailureDetails } from '../contract/activities';
import type { ProviderTaskSnapshot } from '../contract/provider-task';
import { failureTypes } from '../contract/scene-workflow';

/**
 * What a task's terminal state means for its attempt, however it was learnt: by a poll (which throws the failure as an
 * ApplicationFailure) or by a webhook (which the workflow reads directly). Undefined while the task is still going.
 */
export type TaskVerdict =
  { ok: true; videoUrl: string } | { ok: false; type: string; message: string; details?: AttemptFailureDetails };

/**
 * The most of a provider's failure message an attempt keeps: it is repeated in the attempt, the scene's failure, its
 * details and memo, and a reply may carry megabytes of it.
 */
const maxFailureMessageChars = 2_000;

function clipped(message: string): string {
  return message.length <= maxFailureMessageChars
    ? message
    : `${message.slice(0, maxFailureMessageChars)}… (${message.length - maxFailureMessageChars} more characters)`;
}

export function taskVerdict(provider: string, snapshot: ProviderTaskSnapshot): TaskVerdict | undefined {
  const task = `${provider} task ${snapshot.taskId}`;
  switch (snapshot.state) {
    case 'succeeded':
      if (snapshot.videoUrl) return { ok: true, videoUrl: snapshot.videoUrl };
      return {
        ok: false,
        type: failureTypes.taskFailed,
        message: `${task} succeeded without a video URL`,
        details: { costUsd: snapshot.costUsd },
      };
    case 'failed': {
      const failure = snapshot.failure ?? { message: 'failed without a reason', retryable: true, contentPolicy: false };
      return {
        ok: false,
        type: failure.contentPolicy ? failureTypes.contentPolicy : failureTypes.taskFailed,
        message: `${task} failed${failure.code ? ` (${clipped(failure.code)})` : ''}: ${clipped(failure.message)}`,
        details: {
          contentPolicy: failure.contentPolicy,
          flagged: failure.flagged,
          costUsd: snapshot.costUsd,
          code: failure.code,
        },
      };
    }
    case 'cancelled':
      return { ok: false, type: failureTypes.taskCancelled, message: `${task} was cancelled at the provider` };
    default:
      return undefined;
  }
}
