import { activityInfo, ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import { writeFileSync } from 'node:fs';
import { createPollStatus } from '../../src/activities/poll-status';
import { callOptions, clientFor, type ActivityDeps } from '../../src/activities/dependencies';
import type { TaskState } from '../../src/providers/types';
import {
  endedBadlyType,
  notDoneType,
  type CheckInput,
  type CheckResult,
  type RetryCheckResult,
  type RetryHeartbeat,
  type SlotUse,
} from './shared';

const terminal = new Set<TaskState>(['succeeded', 'failed', 'cancelled']);

/**
 * B9's activities: today's pollStatus for shape (a), one GET per attempt for (b), one GET per call for (c). Each
 * execution is counted while it runs, and the counts are written to `slotsFile` as they change (at most every 200 ms),
 * so the benchmark reads slots held per shape from outside the worker process.
 */
export function createShapeActivities(deps: ActivityDeps, slotsFile: string) {
  const use: Record<string, SlotUse> = {};
  let dirty = false;
  setInterval(() => {
    if (!dirty) return;
    dirty = false;
    writeFileSync(slotsFile, JSON.stringify(use));
  }, 200).unref();

  function counted<A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) {
    const u = (use[name] = { inFlight: 0, peak: 0, executions: 0, busyMs: 0 });
    return async (...args: A): Promise<R> => {
      const began = Date.now();
      u.inFlight++;
      u.executions++;
      u.peak = Math.max(u.peak, u.inFlight);
      dirty = true;
      try {
        return await fn(...args);
      } finally {
        u.inFlight--;
        u.busyMs += Date.now() - began;
        dirty = true;
      }
    };
  }

  async function getOnce(input: CheckInput): Promise<CheckResult> {
    const snapshot = await clientFor(deps, input.route).getTask(
      input.taskId,
      callOptions(deps, Context.current().cancellationSignal),
    );
    if (
      snapshot.state === 'failed' ||
      snapshot.state === 'cancelled' ||
      (snapshot.state === 'succeeded' && !snapshot.videoUrl)
    )
      throw ApplicationFailure.create({
        message: `task ${input.taskId} ended ${snapshot.state} without a video`,
        type: endedBadlyType,
        nonRetryable: true,
      });
    return { state: snapshot.state, videoUrl: snapshot.videoUrl };
  }

  return {
    pollStatus: counted('pollStatus', createPollStatus(deps)),

    /** Shape (b): not done yet fails the attempt, and the server retries it one interval later. */
    b9CheckByRetry: counted('b9CheckByRetry', async (input: CheckInput): Promise<RetryCheckResult> => {
      const { attempt, heartbeatDetails } = activityInfo();
      const received = heartbeatDetails as RetryHeartbeat | undefined;
      const chainReceived = received?.taskId === input.taskId ? received.chain : 0;
      const result = await getOnce(input);
      if (terminal.has(result.state)) return { ...result, attempt, chainReceived };
      // Sent right before the failing completion: whether it reaches the next attempt is what B9 measures.
      heartbeat({ taskId: input.taskId, chain: chainReceived + 1 } satisfies RetryHeartbeat);
      throw ApplicationFailure.create({
        message: `task ${input.taskId} is ${result.state}`,
        type: notDoneType,
        nextRetryDelay: input.intervalMs,
        // Benign: the SDK logs the failure at DEBUG, not WARN, and counts it in no failure metric.
        category: ApplicationFailureCategory.BENIGN,
      });
    }),

    /** Shape (c): one GET, answered whatever the state; the child workflow decides when to look again. */
    b9CheckOnce: counted('b9CheckOnce', getOnce),
  };
}

export type ShapeActivities = ReturnType<typeof createShapeActivities>;
