import { describe, expect, it } from 'vitest';
import { ActivityFailure, ApplicationFailure, CancelledFailure, RetryState, TimeoutFailure } from '@temporalio/common';
import type { AttemptFailureDetails } from '../../src/contract/activities';
import { failureTypes } from '../../src/contract/scene-workflow';
import {
  createFailure,
  describeFailure,
  failureDetails,
  isStorageUnavailable,
  missedDeadline,
  pollFailure,
  throttledMsOf,
} from '../../src/workflows/scene-failures';

const activityFailed = (cause: Error, retryState: RetryState = RetryState.NON_RETRYABLE_FAILURE) =>
  new ActivityFailure('Activity task failed', 'pollStatus', '3', retryState, 'worker', cause);
const application = (type: string, message: string, details?: unknown[]) =>
  activityFailed(ApplicationFailure.create({ type, message, details, nonRetryable: true }));

describe('decoding a failed create', () => {
  it('an ambiguous create may have made a task; any other refusal made none, and says why', () => {
    expect(createFailure(application(failureTypes.ambiguousCreate, 'sent, no reply'))).toEqual({
      outcome: { kind: 'ambiguous' },
      reason: 'ambiguous_create',
    });
    expect(createFailure(application(failureTypes.providerRejected, 'HTTP 400', [{ code: 'validation' }]))).toEqual({
      outcome: { kind: 'not-created' },
      reason: 'create_refused',
    });
    expect(
      createFailure(application(failureTypes.providerRejected, 'daily cap', [{ code: 'quota_exhausted' }])),
    ).toEqual({ outcome: { kind: 'not-created' }, reason: 'quota_exhausted' });
    // A create refused by the content policy judged the input: no output exists yet.
    expect(createFailure(application(failureTypes.contentPolicy, 'flagged', [{ contentPolicy: true }]))).toEqual({
      outcome: { kind: 'not-created' },
      reason: 'content_policy_input',
    });
    expect(createFailure(new Error('lost'))).toEqual({ outcome: { kind: 'not-created' }, reason: 'create_refused' });
  });
});

describe('decoding a failed poll', () => {
  it('a failure the provider reported ended the task: billed by its rule, its report and moderation', () => {
    const failed = application(failureTypes.taskFailed, 'GPU on fire', [{ costUsd: 0.3 }]);
    expect(pollFailure(failed)).toEqual({
      outcome: { kind: 'task-failed', contentPolicy: false, reportedCostUsd: 0.3 },
      reason: 'task_failed',
    });
    expect(pollFailure(application(failureTypes.taskCancelled, 'cancelled upstream'))).toMatchObject({
      outcome: { kind: 'task-failed' },
      reason: 'task_failed',
    });
  });

  it("a moderated task: the input's fault where the provider says so, otherwise (and in older runs) the output's", () => {
    const moderated = (details: AttemptFailureDetails) =>
      pollFailure(application(failureTypes.contentPolicy, 'flagged', [details]));
    expect(moderated({ contentPolicy: true })).toEqual({
      outcome: { kind: 'task-failed', contentPolicy: true, reportedCostUsd: undefined },
      reason: 'content_policy_output',
    });
    expect(moderated({ contentPolicy: true, flagged: 'input' }).reason).toBe('content_policy_input');
    expect(moderated({ contentPolicy: true, flagged: 'output' }).reason).toBe('content_policy_output');
  });

  it('polling that gave up leaves the task possibly rendering: abandoned, for its own reason', () => {
    expect(pollFailure(application(failureTypes.pollFailed, '6 consecutive errors'))).toEqual({
      outcome: { kind: 'abandoned' },
      reason: 'poll_failed',
    });
    expect(pollFailure(application(failureTypes.deadlineMissed, 'over the queue deadline'))).toEqual({
      outcome: { kind: 'abandoned' },
      reason: 'deadline',
    });
    expect(pollFailure(activityFailed(new TimeoutFailure('silent', undefined, 'HEARTBEAT')))).toEqual({
      outcome: { kind: 'abandoned' },
      reason: 'abandoned',
    });
  });

  it('knows a missed provider deadline from the schedule-to-close timeout or the retry state', () => {
    expect(missedDeadline(activityFailed(new TimeoutFailure('timed out', undefined, 'SCHEDULE_TO_CLOSE')))).toBe(true);
    expect(missedDeadline(application(failureTypes.pollFailed, 'x'))).toBe(false);
    expect(missedDeadline(activityFailed(new Error('x'), RetryState.TIMEOUT))).toBe(true);
    expect(missedDeadline(activityFailed(new TimeoutFailure('silent', undefined, 'HEARTBEAT')))).toBe(false);
    expect(missedDeadline(new Error('not an activity'))).toBe(false);
  });
});

describe('describing and reading failures', () => {
  it('names the failure type, or the cause, then the message', () => {
    expect(describeFailure(application(failureTypes.downloadFailed, 'HTTP 404'))).toBe('VideoDownloadFailed: HTTP 404');
    expect(describeFailure(activityFailed(new CancelledFailure('Activity cancelled')))).toBe(
      'CancelledFailure: Activity cancelled',
    );
    expect(describeFailure(new Error('plain'))).toBe('plain');
    expect(describeFailure('text')).toBe('text');
  });

  it('reads the details an activity attached, wrapped or not', () => {
    const details = { costUsd: 0.2, videoUrl: 'https://cdn.example/t.mp4' };
    expect(failureDetails(application(failureTypes.storageUnavailable, 'down', [details]))).toEqual(details);
    expect(failureDetails(ApplicationFailure.create({ message: 'bare', details: [details] }))).toEqual(details);
    expect(failureDetails(new Error('none'))).toBeUndefined();
  });

  it('tells a storage outage from another upload failure', () => {
    expect(isStorageUnavailable(application(failureTypes.storageUnavailable, 'down'))).toBe(true);
    expect(isStorageUnavailable(application(failureTypes.downloadFailed, '404'))).toBe(false);
  });
});

describe('the throttled time a failed poll counted', () => {
  it("comes from the poll's failure details, or from the last heartbeat a server timeout carries", () => {
    expect(throttledMsOf(application(failureTypes.deadlineMissed, 'queue deadline', [{ throttledMs: 42_000 }]))).toBe(
      42_000,
    );
    const heartbeat = { taskId: 't1', polls: 9, signalled: false, throttledMs: 61_000, throttled: true };
    const timedOut = activityFailed(
      new TimeoutFailure('timed out', heartbeat, 'SCHEDULE_TO_CLOSE'),
      RetryState.TIMEOUT,
    );
    expect(throttledMsOf(timedOut)).toBe(61_000);
  });

  it('is unknown when neither says', () => {
    const noBeat = activityFailed(new TimeoutFailure('timed out', undefined, 'SCHEDULE_TO_CLOSE'), RetryState.TIMEOUT);
    expect(throttledMsOf(noBeat)).toBeUndefined();
    expect(throttledMsOf(application(failureTypes.pollFailed, 'gave up'))).toBeUndefined();
    expect(throttledMsOf(new Error('lost'))).toBeUndefined();
  });
});
