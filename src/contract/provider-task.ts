/**
 * What workflows and activities know of a provider task: provider-neutral, as every adapter reports it. Names and
 * shapes are relied on outside the test suite.
 */
export type TaskState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface ProviderTaskSnapshot {
  taskId: string;
  state: TaskState;
  /** 0..1, when the provider reports it */
  progress?: number;
  /**
   * Queued behind the account's concurrency limit (Runway's THROTTLED), not yet in the provider's own queue: the time
   * is the account's doing, so it does not count against the render deadline.
   */
  throttled?: boolean;
  /** when succeeded */
  videoUrl?: string;
  /** when the provider reports the actual charge */
  costUsd?: number;
  failure?: {
    code?: string;
    message: string;
    retryable: boolean;
    contentPolicy: boolean;
    /** What the content policy flagged, where the provider says (Runway's `SAFETY.INPUT.*`, `SAFETY.OUTPUT.*`). */
    flagged?: 'input' | 'output';
  };
  /** The provider's own clock, epoch ms, where its task reports them: the render and queue time metrics read them. */
  times?: { createdMs?: number; startedMs?: number; endedMs?: number };
}

/** The provider APIs a worker talks to: Runway directly, every other model through PiAPI's unified task API. */
export const providerRoutes = ['runway', 'piapi'] as const;
export type ProviderRoute = (typeof providerRoutes)[number];

export interface ProviderModelSettings {
  route: ProviderRoute;
  /** PiAPI `model` or Runway `model`. */
  model: string;
  /** PiAPI `task_type` (ignored by Runway). */
  taskType?: string;
  /** Model-specific extras, e.g. kling `version`/`mode`, hailuo `input.model`. */
  options?: Record<string, string | number | boolean>;
}
