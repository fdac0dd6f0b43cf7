import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { AttemptFailureDetails, PollHeartbeat } from '../contract/activities';
import { failureTypes } from '../contract/scene-workflow';
import type { AttemptReason } from '../contract/metrics';
import type { AttemptOutcome } from '../domain/billing';

/** The type of the ApplicationFailure an activity failed with. */
function failureType(err: unknown): string | undefined {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure
    ? (err.cause.type ?? undefined)
    : undefined;
}

export function failureDetails(err: unknown): AttemptFailureDetails | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.details?.[0] as AttemptFailureDetails | undefined) : undefined;
}

/**
 * The time the poll counted its task throttled: in its failure's details, or, when the server timed the poll out, in
 * the last heartbeat the timeout carries.
 */
export function throttledMsOf(err: unknown): number | undefined {
  const reported = failureDetails(err)?.throttledMs;
  if (reported !== undefined) return reported;
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (!(cause instanceof TimeoutFailure)) return undefined;
  const counted = (cause.lastHeartbeatDetails as Partial<PollHeartbeat> | undefined)?.throttledMs;
  return typeof counted === 'number' ? counted : undefined;
}

export function describeFailure(err: unknown): string {
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
    if (cause) return `${cause.name}: ${cause.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** The poll's schedule-to-close timeout fired, or a retry would have gone past it. */
export function missedDeadline(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  const timedOut = err.cause instanceof TimeoutFailure && err.cause.timeoutType === 'SCHEDULE_TO_CLOSE';
  return timedOut || err.retryState === RetryState.TIMEOUT;
}

/** The create may have made a task whose id nobody knows. */
function isAmbiguousCreate(err: unknown): boolean {
  return failureType(err) === failureTypes.ambiguousCreate;
}

const taskEndedTypes = new Set<string>([
  failureTypes.taskFailed,
  failureTypes.contentPolicy,
  failureTypes.taskCancelled,
]);

/** Only a failure the provider reported ends its task; when polling gave up, the task may still be rendering. */
function providerEndedTask(err: unknown): boolean {
  return taskEndedTypes.has(failureType(err) ?? '');
}

export function isStorageUnavailable(err: unknown): boolean {
  return failureType(err) === failureTypes.storageUnavailable;
}

/** How a failed step ends its attempt: for billing, and the class of its reason the metrics count. */
export interface AttemptFailure {
  outcome: AttemptOutcome;
  reason: AttemptReason;
}

/** A failed create: ambiguous, or refused (a content policy refusing it judged the input). */
export function createFailure(err: unknown): AttemptFailure {
  if (isAmbiguousCreate(err)) return { outcome: { kind: 'ambiguous' }, reason: 'ambiguous_create' };
  const reason =
    failureType(err) === failureTypes.contentPolicy
      ? 'content_policy_input'
      : failureDetails(err)?.code === 'quota_exhausted'
        ? 'quota_exhausted'
        : 'create_refused';
  return { outcome: { kind: 'not-created' }, reason };
}

/** A failed poll (not a missed schedule-to-close deadline). */
export function pollFailure(err: unknown): AttemptFailure {
  if (!providerEndedTask(err)) {
    const type = failureType(err);
    const reason =
      type === failureTypes.deadlineMissed
        ? 'deadline'
        : type === failureTypes.pollFailed
          ? 'poll_failed'
          : 'abandoned';
    return { outcome: { kind: 'abandoned' }, reason };
  }
  return taskEndedFailure(failureDetails(err));
}

/** An attempt whose task the provider ended without a clip, by what its verdict's details say. */
export function taskEndedFailure(details: AttemptFailureDetails | undefined): AttemptFailure {
  const contentPolicy = details?.contentPolicy ?? false;
  return {
    outcome: { kind: 'task-failed', contentPolicy, reportedCostUsd: details?.costUsd },
    // Unsaid (most providers, and runs from before it was told) counts as the output's: the input passed the create.
    reason: !contentPolicy
      ? 'task_failed'
      : details?.flagged === 'input'
        ? 'content_policy_input'
        : 'content_policy_output',
  };
}
