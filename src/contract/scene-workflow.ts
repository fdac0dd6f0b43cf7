import type { SceneInput } from './scene-input';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TaskState } from './provider-task';
import type { AttemptReason } from './metrics';

export const sceneTaskQueueDefault = 'scene-video';

/** The scene workflow's type name, as clients start it and the Web UI filters on it (`WorkflowType=`). */
export const sceneWorkflowType = 'generateSceneVideo';

/** The scene workflow's signature, as clients type their handles (the workflow implements it). */
export type SceneWorkflow = (input: SceneInput) => Promise<SceneVideoResult>;

/**
 * `unstored`: the clip was generated (and paid for) but S3 did not take it, so the result carries only the provider's
 * URL, which expires. It is not a success: the CLI exits 4 and `VideoStatus` says `unstored`.
 */
export type ScenePhase = 'ranking' | 'generating' | 'uploading' | 'succeeded' | 'unstored' | 'failed' | 'cancelled';

export interface AttemptProgress {
  provider: string;
  taskId?: string;
  state: TaskState | 'creating' | 'uploading' | 'uploaded' | 'unstored' | 'skipped';
  progress?: number;
  /**
   * Time the task waited behind the provider account's concurrency limit (Runway's THROTTLED, shown as `queued`):
   * not counted against the provider deadline. Live while polling; set when the attempt ends.
   */
  throttledMs?: number;
  /** The task waits behind the concurrency limit right now. */
  throttled?: boolean;
  startedAt: string;
  endedAt?: string;
  error?: string;
  /**
   * Why the attempt ended, as a class (the metrics' `reason`): e.g. `content_policy_input` when a moderation refused
   * the prompt, `content_policy_output` when it refused the generated clip. Absent while it runs, for skipped
   * providers, and in runs from before it was recorded.
   */
  reason?: AttemptReason;
  costUsd: number;
  /** The catalogue's estimate of what the attempt costs if billed (absent in runs from before it was recorded). */
  estimateUsd?: number;
  /** Set when the provider billed more than the worst case reserved for the attempt. */
  budgetNote?: string;
  /**
   * Set when the attempt's task was abandoned but not cancelled, saying why (e.g. its model has no cancel API): it
   * renders on and may still bill, so the attempt is costed at its worst case.
   */
  notCancelled?: string;
  /** The length the scene asked for and the one this attempt's task renders (fitted to the model's durations). */
  requestedDurationSec?: number;
  durationSec?: number;
}

export interface SceneVideoResult {
  sceneId: string;
  projectId?: string;
  provider: string;
  s3Key?: string;
  s3Url?: string;
  /**
   * The stored object's URL as the S3 SDK addresses it (`https://bucket.s3.region.amazonaws.com/key` on AWS, path style
   * on a custom endpoint), for the next stage to fetch where the bucket allows it; absent in runs from before it was
   * recorded. A URL that works without bucket access comes from `scene-video url` (presigned, made on request).
   */
  objectUrl?: string;
  providerVideoUrl: string;
  /** False when S3 did not take the clip (STORAGE_FAILURE_MODE=provider-url): only `providerVideoUrl` holds it. */
  stored: boolean;
  warning?: string;
  /** Set when a cancel arrived after the provider had delivered (and billed) the clip: it was stored, not discarded. */
  cancelNote?: string;
  bytes?: number;
  /** The length rendered: the requested one fitted to the provider's durations. */
  durationSec: number;
  /** The length the scene asked for; absent in results of runs from before it was recorded. */
  requestedDurationSec?: number;
  totalCostUsd: number;
  costByProvider: Record<string, number>;
  attempts: AttemptProgress[];
  generationTimeMs: number;
}

/** How a finished scene ended, from its result: stored in S3, or generated but only at the provider's URL. */
export function resultPhase(result: Pick<SceneVideoResult, 'stored'>): 'succeeded' | 'unstored' {
  return result.stored ? 'succeeded' : 'unstored';
}

export interface SceneProgress {
  sceneId: string;
  projectId?: string;
  phase: ScenePhase;
  ranking: ProviderRanking[];
  currentProvider?: string;
  attempts: AttemptProgress[];
  totalCostUsd: number;
  costByProvider: Record<string, number>;
  result?: SceneVideoResult;
  /** Set while the scene waits for a lease at a provider's gate: its in-flight limit is reached. */
  waitingForSlot?: SlotWait;
}

export interface SlotWait {
  provider: string;
  displayName: string;
  /** Since when (ISO-8601). */
  since: string;
  /** Scenes ahead in the gate's queue; absent until the gate has answered, and exact only near the front. */
  ahead?: number;
}

/** Sent by pollStatus on a state change or a crossed progress quarter, so history stays bounded. */
export interface ProviderProgressUpdate {
  provider: string;
  taskId: string;
  state: TaskState;
  progress?: number;
}

export const getProgress = defineQuery<SceneProgress>('getProgress');
export const providerProgress = defineSignal<[ProviderProgressUpdate]>('providerProgress');

/** ApplicationFailure types shared by activities and workflows. */
export const failureTypes = {
  invalidInput: 'InvalidSceneInput',
  invalidProjectInput: 'InvalidProjectInput',
  notConfigured: 'ProviderNotConfigured',
  providerRejected: 'ProviderRejected',
  ambiguousCreate: 'AmbiguousCreate',
  taskFailed: 'ProviderTaskFailed',
  contentPolicy: 'ContentPolicy',
  taskCancelled: 'ProviderTaskCancelled',
  pollFailed: 'ProviderPollFailed',
  /** The poll's own deadline check (render or queue time) ended the attempt; the remote task may still be running. */
  deadlineMissed: 'ProviderDeadlineMissed',
  downloadFailed: 'VideoDownloadFailed',
  unsafeUrl: 'UnsafeVideoUrl',
  storageUnavailable: 'StorageUnavailable',
  allProvidersFailed: 'AllProvidersFailed',
  budgetExhausted: 'BudgetExhausted',
  /** A content moderation refused the scene and its `moderation` policy says `fail-scene` for that moderation. */
  contentRefused: 'ContentRefused',
  /** The project manifest would break its own schema: a bug, so retrying cannot help. */
  invalidManifest: 'InvalidProjectManifest',
} as const;

/**
 * A finished scene's money per provider, from its attempts: billed (as `costByProvider` counts it) and the catalogue's
 * estimate for those attempts. Kept in the memo under `costs`, so `scene-video cost` reads it from the visibility list.
 */
export type ProviderCosts = Record<string, { billedUsd: number; estimateUsd: number }>;

export interface ProviderRanking {
  provider: string;
  score: number;
  reasons: string[];
}
