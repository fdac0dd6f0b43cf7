import { defineQuery } from '@temporalio/workflow';

export type ProjectScenePhase = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface ProjectSceneStatus {
  sceneId: string;
  sceneType: string;
  workflowId: string;
  phase: ProjectScenePhase;
  provider?: string;
  s3Key?: string;
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
