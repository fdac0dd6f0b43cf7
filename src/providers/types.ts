/**
 * The contract every provider adapter speaks. Names and shapes are relied on outside the test suite.
 */
export type TaskState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface ProviderTaskSnapshot {
  taskId: string;
  state: TaskState;
  /** 0..1, when the provider reports it */
  progress?: number;
  /** when succeeded */
  videoUrl?: string;
  /** when the provider reports the actual charge */
  costUsd?: number;
  failure?: { code?: string; message: string; retryable: boolean; contentPolicy: boolean };
}

export const providerErrorKinds = [
  'auth',
  'insufficient_credits',
  'validation',
  'rate_limited',
  'content_policy',
  'server',
  'network',
  'protocol',
  'not_found',
] as const;
export type ProviderErrorKind = (typeof providerErrorKinds)[number];

const retryableKinds: ReadonlySet<ProviderErrorKind> = new Set(['rate_limited', 'server', 'network']);

/**
 * An HTTP-level failure talking to a provider, already classified.
 * `requestSent` tells whether the request may have reached the provider: an ambiguous create
 * (timeout after sending) must never be retried blindly because neither API has idempotency keys.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly kind: ProviderErrorKind;
  readonly retryable: boolean;
  readonly httpStatus?: number;
  readonly retryAfterMs?: number;
  readonly requestSent: boolean;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    opts: { httpStatus?: number; retryAfterMs?: number; requestSent?: boolean; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.retryable = retryableKinds.has(kind);
    this.httpStatus = opts.httpStatus;
    this.retryAfterMs = opts.retryAfterMs;
    this.requestSent = opts.requestSent ?? true;
  }
}

/** What the workflow asks a provider to make. Durations in seconds. */
export interface GenerationRequest {
  prompt: string;
  negativePrompt?: string;
  durationSec: number;
  aspectRatio: '16:9' | '9:16' | '1:1';
  imageUrl?: string;
  /** Catalogue model settings for this provider (e.g. kling version/mode, veo task type). */
  model: ProviderModelSettings;
}

export interface ProviderModelSettings {
  /** API route: runway direct, or PiAPI's unified task API. */
  route: 'runway' | 'piapi';
  /** PiAPI `model` or Runway `model`. */
  model: string;
  /** PiAPI `task_type` (ignored by Runway). */
  taskType?: string;
  /** Model-specific extras, e.g. kling `version`/`mode`, hailuo `input.model`. */
  options?: Record<string, string | number | boolean>;
}

export interface CreatedTask {
  taskId: string;
  /** The duration the provider was actually asked for, after mapping to its allowed values. */
  durationSec: number;
  snapshot?: ProviderTaskSnapshot;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** One adapter per provider API. No retries inside: the workflow layer owns retries. */
export interface VideoProviderClient {
  createTask(request: GenerationRequest, opts?: CallOptions): Promise<CreatedTask>;
  getTask(taskId: string, opts?: CallOptions): Promise<ProviderTaskSnapshot>;
  /** Best effort; resolves when cancelled or already gone. */
  cancelTask(taskId: string, opts?: CallOptions): Promise<void>;
}
