import { continueAsNew, executeChild, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { ValidSceneInput } from '../../src/contract/scene-input';
import { providerProgress } from '../../src/contract/scene-workflow';
import { pollStatusWithin } from '../../src/workflows/scene-activities';
import type { ShapeActivities } from './activities';
import { endedBadlyType, type CheckInput, type CheckResult, type RetryCheckResult } from './shared';

/** What every shape follows: one Runway task the benchmark created, until it ends. */
export interface FollowInput extends CheckInput {
  /** Bounds the whole follow, as the provider deadline bounds a scene's poll. */
  deadlineMs: number;
  /** Shape (c): checks per child run before it continues as new. */
  checksPerRun: number;
}

export interface FollowResult {
  state: string;
  /** Shape (b): the attempt that saw the end, and how many hand-overs of heartbeat details it inherited. */
  attempt?: number;
  chainReceived?: number;
}

/** Shape (a), today's: one pollStatus activity, with the scene workflow's own options, holds a slot for the render. */
export async function b9InActivity(input: FollowInput): Promise<FollowResult> {
  // pollStatus tells the workflow once that rendering started; the scene workflow keeps it, this one ignores it.
  setHandler(providerProgress, () => undefined);
  // pollStatusWithin reads only the poll interval of a scene's input.
  const pollStatus = pollStatusWithin(
    { polling: { intervalMs: input.intervalMs } } as ValidSceneInput,
    input.deadlineMs,
  );
  const done = await pollStatus({
    provider: 'runway',
    route: input.route,
    taskId: input.taskId,
    intervalMs: input.intervalMs,
  });
  return { state: done.snapshot.state };
}

/** Shape (b): one GET per attempt; the server holds the task between attempts, so no slot is held while waiting. */
export async function b9ByRetry(input: FollowInput): Promise<FollowResult> {
  const { b9CheckByRetry } = proxyActivities<ShapeActivities>({
    scheduleToCloseTimeout: input.deadlineMs,
    startToCloseTimeout: '30 seconds',
    retry: {
      // Deliberately shorter than the poll interval: attempts spaced by the interval prove nextRetryDelay is honoured.
      initialInterval: '1 second',
      backoffCoefficient: 1,
      // Unlimited attempts: the TypeScript SDK refuses the API's 0 and takes none given as no limit.
      nonRetryableErrorTypes: [endedBadlyType],
    },
  });
  const done: RetryCheckResult = await b9CheckByRetry(input);
  return { state: done.state, attempt: done.attempt, chainReceived: done.chainReceived };
}

/** Shape (c): the follow runs in a child workflow, so the parent's history does not grow with the checks. */
export async function b9ChildPolling(input: FollowInput): Promise<FollowResult> {
  return executeChild(b9PollChild, {
    workflowId: `${workflowInfo().workflowId}-poll`,
    args: [{ ...input, first: true }],
    workflowExecutionTimeout: input.deadlineMs,
  });
}

/** A timer and a short activity per check; continues as new every `checksPerRun` checks to bound its history. */
export async function b9PollChild(input: FollowInput & { first: boolean }): Promise<FollowResult> {
  const { b9CheckOnce } = proxyActivities<ShapeActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', maximumAttempts: 5, nonRetryableErrorTypes: [endedBadlyType] },
  });
  for (let check = 0; check < input.checksPerRun; check++) {
    if (!(input.first && check === 0)) await sleep(input.intervalMs);
    const result: CheckResult = await b9CheckOnce(input);
    if (result.state === 'succeeded') return { state: result.state };
  }
  return continueAsNew<typeof b9PollChild>({ ...input, first: false });
}
