import type { ProviderRoute } from '../../src/contract/provider-task';
import type { TaskState } from '../../src/providers/types';

// What B9's workflows, activities and benchmark share; no Node imports, as the workflow bundle includes it.

/** Failure type of a check that found the task still rendering: shape (b) retries on it. */
export const notDoneType = 'B9TaskNotDone';
/** Failure type of a task that ended without a video: never retried. */
export const endedBadlyType = 'B9TaskEndedBadly';

export interface CheckInput {
  route: ProviderRoute;
  taskId: string;
  intervalMs: number;
}

export interface CheckResult {
  state: TaskState;
  videoUrl?: string;
}

/** What shape (b) passes from one attempt to the next in its heartbeat details. */
export interface RetryHeartbeat {
  taskId: string;
  /** Consecutive attempts so far whose details reached the next one; a lost hand-over starts it again at 1. */
  chain: number;
}

export interface RetryCheckResult extends CheckResult {
  attempt: number;
  /** The chain the last attempt received: attempt − 1 when every hand-over carried its details. */
  chainReceived: number;
}

/** Activity slot use per activity type, as the worker process sees it. */
export interface SlotUse {
  inFlight: number;
  peak: number;
  executions: number;
  /** Sum of execution times: slot-seconds held. */
  busyMs: number;
}
