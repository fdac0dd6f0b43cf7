import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ProviderRanking } from '../config/ranking';
import type { TaskState } from '../providers/types';

export const sceneTaskQueueDefault = 'scene-video';

export type ScenePhase = 'ranking' | 'generating' | 'uploading' | 'succeeded' | 'failed' | 'cancelled';

export interface AttemptProgress {
  provider: string;
  taskId?: string;
  state: TaskState | 'creating' | 'uploading' | 'uploaded' | 'skipped';
  progress?: number;
  startedAt: string;
  endedAt?: string;
  error?: string;
  costUsd: number;
  /** Set when the provider billed more than the worst case reserved for the attempt. */
  budgetNote?: string;
}

export interface SceneVideoResult {
  sceneId: string;
  projectId?: string;
  provider: string;
  s3Key?: string;
  s3Url?: string;
  providerVideoUrl: string;
  stored: boolean;
  warning?: string;
  bytes?: number;
  durationSec: number;
  totalCostUsd: number;
  costByProvider: Record<string, number>;
  attempts: AttemptProgress[];
  generationTimeMs: number;
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
  downloadFailed: 'VideoDownloadFailed',
  unsafeUrl: 'UnsafeVideoUrl',
  storageUnavailable: 'StorageUnavailable',
  allProvidersFailed: 'AllProvidersFailed',
  budgetExhausted: 'BudgetExhausted',
} as const;
