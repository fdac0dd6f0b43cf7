import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { SceneActivities } from '../activities';
import { failureTypes } from '../contract/scene-workflow';
import type { ValidSceneInput } from '../contract/scene-input';

const nonRetryableTypes = Object.values(failureTypes);

// Local: validation and the worker's own configuration need no trip through the server. The answer is still recorded
// (as a marker), so a replay on a differently configured worker plans the same providers.
export const { prepareScene } = proxyLocalActivities<SceneActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});
// Retries here only recover a lost worker; see createTask for why a create is never blindly re-sent. The heartbeat
// timeout notices a lost worker in seconds; createTask fits its own safe retries inside the start-to-close timeout.
export const { createTask } = proxyActivities<SceneActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: nonRetryableTypes },
});
export const { cancelTask } = proxyActivities<SceneActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});
// Long enough to ride out a storage outage of about a minute; each attempt overwrites the same deterministic key.
// uploadToS3 heartbeats every 5 s whatever the throughput, so silence for 30 s means its worker is gone.
export const { uploadToS3 } = proxyActivities<SceneActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '20 seconds',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [failureTypes.unsafeUrl],
  },
});

/**
 * The provider's deadline is the poll's schedule-to-close timeout: the server enforces it, across worker crashes and
 * retries, without a workflow timer (two more events and a timer task per attempt). Where the poll tells throttled time
 * apart, the timeout allows the render and the queue deadline together, and the poll enforces each.
 */
export function pollStatusWithin(input: ValidSceneInput, remainingMs: number) {
  return proxyActivities<SceneActivities>({
    scheduleToCloseTimeout: remainingMs,
    // The worker sends at most one heartbeat per 10 s (its throttle): 30 s of silence means the worker is gone, with
    // room for a busy event loop. The retry resumes the same remote task.
    heartbeatTimeout: Math.max(3 * input.polling.intervalMs, 30_000),
    retry: { initialInterval: '1 second', maximumAttempts: 20, nonRetryableErrorTypes: nonRetryableTypes },
  }).pollStatus;
}

/**
 * The safety net of a scene waiting for its webhook: one status check per attempt, the next one `intervalMs` later as
 * checkTask asks, holding no slot in between; the provider's deadline is the schedule-to-close timeout, as for polls.
 */
export function checkTaskWithin(remainingMs: number) {
  return proxyActivities<SceneActivities>({
    scheduleToCloseTimeout: remainingMs,
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', backoffCoefficient: 1, nonRetryableErrorTypes: nonRetryableTypes },
  }).checkTask;
}
// Signals-with-start: local, so telling a gate costs the scene no activity task. Retried for a minute or so of server
// trouble; a gate still unreachable then skips its provider rather than exceed its limit (a lease), or goes uncounted
// (a failure report).
export const { requestProviderLease, reportProviderFailure } = proxyLocalActivities<SceneActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '15 seconds', maximumAttempts: 8 },
});

// The activity reads a gate it cannot query as closed; once is enough, and a scene never waits long on a breaker.
export const { readProviderCircuit } = proxyLocalActivities<SceneActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
});
