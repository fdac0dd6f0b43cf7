import type { AspectRatio } from '../contract/catalogue';
import type { HttpStatusClass } from '../contract/metrics';
import type { ProviderModelSettings, ProviderTaskSnapshot, TaskState } from '../contract/provider-task';

/** The adapters' contract; the task shapes are the workflows' too, so they live in the contract. */
export type { ProviderModelSettings, ProviderTaskSnapshot, TaskState };

export const providerErrorKinds = [
  'auth',
  'insufficient_credits',
  'validation',
  'rate_limited',
  /** A cap that lifts only as its window rolls on (Runway's maximum daily generations): retrying soon is pointless. */
  'quota_exhausted',
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

/** What the workflow asks a provider to make. */
export interface GenerationRequest {
  prompt: string;
  negativePrompt?: string;
  /** Decided before the request (fitted to the catalogue's durations): the adapter sends it or refuses it. */
  durationSec: number;
  aspectRatio: AspectRatio;
  imageUrl?: string;
  /** Catalogue model settings for this provider (e.g. kling version/mode, veo task type). */
  model: ProviderModelSettings;
  /** Where the provider notifies this task's changes, for the APIs that can (PiAPI); the others ignore it. */
  webhook?: { endpoint: string; secret: string };
}

export interface CreatedTask {
  taskId: string;
  snapshot?: ProviderTaskSnapshot;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Told of each HTTP call the operation makes (the worker's metrics). */
  observe?: HttpObserver;
}

/** One finished provider call, as the metrics count it: no URL, no id, no body. */
export interface HttpCallRecord {
  /** The call's label: the API, the method and the path template, e.g. `PiAPI GET /api/v1/task/{id}`. */
  endpoint: string;
  statusClass: HttpStatusClass;
  seconds: number;
}
export type HttpObserver = (call: HttpCallRecord) => void;

/** One model's limits and use as the account's API reports them; a field the API did not give is absent. */
export interface ModelLimits {
  /** Generations running at once before further ones queue (Runway: `THROTTLED`). */
  maxConcurrentGenerations?: number;
  /** Generations per rolling 24 h before creates are refused (Runway: HTTP 429). */
  maxDailyGenerations?: number;
  /** Generations started in the current 24 h window. */
  dailyGenerations?: number;
}

/** What a route's API says about the account behind the key: the pre-flight's answer. */
export interface ProviderAccount {
  /** What is left to spend, in USD; absent when the API did not say (unknown, never 0). */
  balanceUsd?: number;
  /** The balance in the API's own unit, as reported, when it has one: Runway credits at $0.01, PiAPI `credits`. */
  credits?: { amount: number; unit: string };
  /** Plan or tier name, when reported. */
  plan?: string;
  /** Keyed by the API's model names; empty when the API reports no per-model limits (PiAPI). */
  models: Record<string, ModelLimits>;
}

export type CancelReply = { cancelled: true } | { cancelled: false; refusal: string };

/** One adapter per provider API. No retries inside: the workflow layer owns retries. */
export interface VideoProviderClient {
  createTask(request: GenerationRequest, opts?: CallOptions): Promise<CreatedTask>;
  getTask(taskId: string, opts?: CallOptions): Promise<ProviderTaskSnapshot>;
  /**
   * Cancelled (or already gone), or refused with the provider's reason: a refused task goes on and may bill. Throws
   * where the answer leaves it unknown (network, 5xx, 429) or the key is bad.
   */
  cancelTask(taskId: string, opts?: CallOptions): Promise<CancelReply>;
  /** The account's balance and limits, as far as the API documents them. */
  getAccount(opts?: CallOptions): Promise<ProviderAccount>;
}
