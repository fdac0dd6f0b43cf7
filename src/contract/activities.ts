import type { Catalogue } from './catalogue';
import type { GateSetup } from './provider-gate';
import type { ProviderModelSettings, ProviderTaskSnapshot, TaskState } from './provider-task';
import type { SlimProject } from './project-input';
import type { ValidSceneInput } from './scene-input';

/** The worker's provider catalogue and credentials, as the workflow may see them (names only, never keys). */
export interface ProviderSetup {
  catalogue: Catalogue;
  configured: string[];
  storageFailureMode: 'provider-url' | 'fail';
  /** Absent from runs prepared before provider gates: they never ask one. */
  gate?: GateSetup;
}

export interface PreparedScene {
  input: ValidSceneInput;
  setup: ProviderSetup;
}

export interface PreparedProject {
  /** The validated project; scene prompts equal to the raw input's are left out (`withEchoedFields` restores them). */
  project: SlimProject;
  setup: ProviderSetup;
}

export interface CreateTaskInput {
  provider: string;
  model: ProviderModelSettings;
  allowedDurationsSec: number[];
  prompt: string;
  negativePrompt?: string;
  durationSec: number;
  aspectRatio: '16:9' | '9:16' | '1:1';
  imageUrl?: string;
  /** The scene's attempt number, bound into the task's webhook token; absent from creates scheduled before webhooks. */
  attempt?: number;
}

export interface CreateTaskOutput {
  taskId: string;
  durationSec: number;
  /** True when a retried attempt found the task its crashed predecessor had created. */
  recovered: boolean;
  /**
   * Set when the task registered a webhook: the scene waits for it, holding no activity slot, and asks the provider
   * itself every `backstopMs` in case it never comes.
   */
  webhook?: { backstopMs: number };
}

export interface PollStatusInput {
  provider: string;
  route: ProviderModelSettings['route'];
  taskId: string;
  intervalMs: number;
  /**
   * Enforced by the poll, which alone can tell throttled time from the rest: `renderMs` bounds the time not spent
   * throttled, `queueMs` the time throttled. Absent from polls scheduled before throttling was told apart, where the
   * schedule-to-close timeout alone bounds both.
   */
  deadlines?: { renderMs: number; queueMs: number };
}

export interface PollStatusOutput {
  snapshot: ProviderTaskSnapshot;
  videoUrl: string;
  polls: number;
  /** Time the task waited behind the account's concurrency limit; absent from results recorded before it was kept. */
  throttledMs?: number;
}

/**
 * checkTask's retryable failures: the task is still going, or its status could not be read this time. The server asks
 * again after the delay the failure names; nothing holds an activity slot meanwhile.
 */
export const checkTaskRetryTypes = { running: 'ProviderTaskRunning', unreadable: 'ProviderStatusUnreadable' } as const;

/**
 * The name the worker registers pollStatus under (its key in `createActivities`): a client finds its heartbeat among a
 * run's pending activities by this name.
 */
export const pollStatusActivityType = 'pollStatus';

/** checkTask's registered name, whose heartbeat holds the same `PollHeartbeat` between its retries. */
export const checkTaskActivityType = 'checkTask';

/** pollStatus's heartbeat: lets a retry resume the same remote task, and lets clients read live progress. */
export interface PollHeartbeat {
  taskId: string;
  polls: number;
  state?: TaskState;
  progress?: number;
  /** Whether the workflow has been told that rendering started, so a resumed poller does not repeat it. */
  signalled: boolean;
  /** Time seen throttled so far (see `ProviderTaskSnapshot.throttled`): a retried poll goes on counting from here. */
  throttledMs?: number;
  /** The last poll found the task throttled; clients show it, as the state stays `queued`. */
  throttled?: boolean;
  /** When the last poll answered (this worker's clock, epoch ms): throttled time runs between two throttled polls. */
  lastPollAt?: number;
  /** Consecutive polls whose status could not be read; six end the attempt. */
  errors?: number;
}

export interface CancelTaskInput {
  provider: string;
  route: ProviderModelSettings['route'];
  /** The model the task was created with: whether its API can cancel the task. Absent when scheduled before it was. */
  model?: string;
  taskId: string;
}

/**
 * What cancelTask did. Without a cancel the task renders on and may bill: `reason` says why none was sent, or why the
 * provider refused it. Runs recorded
 * before this existed hold `undefined`: the cancel was sent whatever the model.
 */
export type CancelTaskOutput = { sent: true } | { sent: false; reason: string };

export interface UploadToS3Input {
  provider: string;
  taskId: string;
  videoUrl: string;
  sceneId: string;
  projectId?: string;
  sceneType: string;
  /**
   * What produced the clip, written into the object's metadata (absent in uploads scheduled before they were passed):
   * the provider's model, the length asked for and the one rendered, the attempt's cost (USD) and the prompt's SHA-256
   * (hex of its UTF-8), never the prompt itself.
   */
  model?: string;
  requestedDurationSec?: number;
  durationSec?: number;
  costUsd?: number;
  promptSha256?: string;
}

export interface UploadToS3Output {
  s3Key: string;
  s3Url: string;
  /** The object's plain https URL as the S3 SDK addresses it (absent from uploads that finished before it was kept). */
  objectUrl?: string;
  bytes: number;
  /** The provider URL the clip was read from: a fresh one when `videoUrl` no longer served it (403/404/410). */
  videoUrl?: string;
}

/** Carried in ApplicationFailure details so the workflow can bill and explain a failed attempt. */
export interface AttemptFailureDetails {
  contentPolicy?: boolean;
  /** What the content policy flagged, where the provider said (absent from failures recorded before it was kept). */
  flagged?: 'input' | 'output';
  costUsd?: number;
  code?: string;
  /** A poll's: how long the task waited behind the account's concurrency limit before the attempt ended. */
  throttledMs?: number;
  /**
   * A storage failure's: the provider URL the clip was read from, a fresh one when the given URL no longer served it,
   * so an unstored scene points at a URL that works.
   */
  videoUrl?: string;
}

/**
 * What the project manifest is made of: the finished project's progress (its result) and what the run alone knows.
 * Recorded in the project's history once, as the activity's input, so every retry writes the same bytes.
 */
export interface WriteProjectManifestInput {
  /** The project workflow's id and run. */
  workflowId: string;
  runId: string;
  /** When the project finished, in workflow time (ISO-8601). */
  finishedAt: string;
  /** Provider key → model, from the run's catalogue. */
  models: Record<string, string>;
}
