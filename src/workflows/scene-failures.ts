import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { AttemptFailureDetails, PollHeartbeat } from '../contract/activities';
import { failureTypes } from '../contract/scene-workflow';
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

/** How a failed create ends the attempt, for billing. */
export function createFailureOutcome(err: unknown): AttemptOutcome {
  return isAmbiguousCreate(err) ? { kind: 'ambiguous' } : { kind: 'not-created' };
}

/** How a failed poll (not a missed deadline) ends the attempt, for billing. */
export function pollFailureOutcome(err: unknown): AttemptOutcome {
  if (!providerEndedTask(err)) return { kind: 'abandoned' };
  const details = failureDetails(err);
  return { kind: 'task-failed', contentPolicy: details?.contentPolicy ?? false, reportedCostUsd: details?.costUsd };
}
