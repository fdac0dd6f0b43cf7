import { defineQuery } from '@temporalio/workflow';

/** `unstored`: generated (and paid for) but not stored in S3; only `providerVideoUrl` holds the clip, until it expires. */
export type ProjectScenePhase = 'pending' | 'running' | 'succeeded' | 'unstored' | 'failed' | 'skipped';

export interface ProjectSceneStatus {
  sceneId: string;
  sceneType: string;
  workflowId: string;
  phase: ProjectScenePhase;
  provider?: string;
  s3Key?: string;
  /** Only for an `unstored` scene: the provider's URL, which expires. */
  providerVideoUrl?: string;
  costUsd: number;
  error?: string;
}

export interface ProjectProgress {
  projectId: string;
  budgetUsd?: number;
  maxConcurrentScenes: number;
  scenes: ProjectSceneStatus[];
  totalCostUsd: number;
  counts: Record<ProjectScenePhase, number>;
}

export type ProjectResult = ProjectProgress;

export const getProjectProgress = defineQuery<ProjectProgress>('getProjectProgress');
