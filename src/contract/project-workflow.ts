import type { AspectRatio } from './catalogue';
import type { ProjectInput } from './project-input';
import type { ProjectManifestRef } from './project-manifest';
import type { AttemptProgress } from './scene-workflow';
import { defineQuery } from '@temporalio/workflow';

/** The project workflow's type name, as clients start it. */
export const projectWorkflowType = 'generateProjectVideos';

/** The project workflow's signature, as clients type their handles (the workflow implements it). */
export type ProjectWorkflow = (input: ProjectInput) => Promise<ProjectResult>;

/** `unstored`: generated (and paid for) but not stored in S3; only `providerVideoUrl` holds the clip, until it expires. */
export const projectScenePhases = [
  'pending',
  'running',
  'succeeded',
  'unstored',
  'failed',
  'cancelled',
  'skipped',
] as const;
export type ProjectScenePhase = (typeof projectScenePhases)[number];

/** Phases a project's scene can no longer leave (a scene's own progress ends in one of them too, never `skipped`). */
export const endedScenePhases: ReadonlySet<string> = new Set<ProjectScenePhase>([
  'succeeded',
  'unstored',
  'failed',
  'cancelled',
  'skipped',
]);

/**
 * How a scene the project waited on ended without a clip (the `awaitSceneResult` activity's non-retryable failure
 * types); the failure's details carry the scene's `SceneProgress` snapshot.
 */
export const sceneEndedTypes = {
  failed: 'SceneFailed',
  cancelled: 'SceneCancelled',
  terminated: 'SceneTerminated',
  timedOut: 'SceneTimedOut',
  notFound: 'SceneNotFound',
} as const;

export interface ProjectSceneStatus {
  sceneId: string;
  sceneType: string;
  workflowId: string;
  phase: ProjectScenePhase;
  provider?: string;
  s3Key?: string;
  /** The scene result's `objectUrl`: the stored clip's URL as the S3 SDK addresses it. */
  objectUrl?: string;
  /** Only for an `unstored` scene: the provider's URL, which expires. */
  providerVideoUrl?: string;
  /** As the scene asked. */
  aspectRatio?: AspectRatio;
  /** The delivered length, seconds (the scene result's `durationSec`). */
  durationSec?: number;
  /**
   * The scene's provider attempts, without the providers' messages (the scene's own workflow keeps those): a handful
   * per scene, so the project's result stays within one payload at 500 scenes. Absent when the scene never ran, or
   * ended without saying (terminated), or finished in a run from before they were recorded.
   */
  attempts?: ProjectSceneAttempt[];
  costUsd: number;
  error?: string;
  /** What the project let this scene spend (its child's `maxCostUsd`), under a project budget. */
  allowanceUsd?: number;
  /** Under a project budget: the scene was skipped, or stopped before it succeeded, for budget (`error` says why). */
  budget?: 'skipped' | 'stopped';
}

export interface ProjectProgress {
  projectId: string;
  budgetUsd?: number;
  maxConcurrentScenes: number;
  scenes: ProjectSceneStatus[];
  totalCostUsd: number;
  counts: Record<ProjectScenePhase, number>;
  /** Under a project budget: spent, reserved by running scenes, left, and whether an overrun stopped the project. */
  budget?: ProjectBudgetSummary;
}

export type ProjectSceneAttempt = Pick<AttemptProgress, 'provider' | 'state' | 'reason' | 'costUsd'>;

export interface ProjectResult extends ProjectProgress {
  /** The project manifest beside its clips; absent in runs from before it was written, and when writing it failed. */
  manifest?: ProjectManifestRef;
  /** Why the manifest could not be written (the clips and this result stand; the manifest alone is missing). */
  manifestError?: string;
}

export const getProjectProgress = defineQuery<ProjectProgress>('getProjectProgress');

export interface ProjectBudgetSummary {
  budgetUsd: number;
  /** Charged by scenes that ended (a scene whose charge is unknown counts at its whole allowance). */
  spentUsd: number;
  /** Allowances of the scenes still running. */
  reservedUsd: number;
  /**
   * Part of spentUsd (or of reservedUsd until they are settled): scenes that had already succeeded before this run
   * reached them, attached to at no new cost. They count against the budget but never stop the project.
   */
  priorUsd?: number;
  leftUsd: number;
  /** Set when a scene was billed more than its allowance: no scene starts after that. */
  stopped?: string;
}
