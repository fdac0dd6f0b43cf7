import {
  projectScenePhases,
  type ProjectBudgetSummary,
  type ProjectProgress,
  type ProjectSceneAttempt,
  type ProjectSceneStatus,
} from '../contract/project-workflow';
import type { ProjectInput, ValidProjectInput } from '../contract/project-input';
import { resultPhase, type AttemptProgress, type SceneVideoResult } from '../contract/scene-workflow';
import { roundUsd } from './pricing';

export type ProjectHeader = Pick<ProjectProgress, 'projectId' | 'budgetUsd' | 'maxConcurrentScenes'>;

/** What a project can say of itself before its input is validated: a client may ask the moment it has started it. */
export function rawProjectHeader(rawInput: ProjectInput): ProjectHeader {
  return { projectId: String((rawInput as Partial<ProjectInput> | null)?.projectId ?? ''), maxConcurrentScenes: 0 };
}

export function projectHeader(project: ValidProjectInput): ProjectHeader {
  return {
    projectId: project.projectId,
    budgetUsd: project.budgetUsd,
    maxConcurrentScenes: project.maxConcurrentScenes,
  };
}

/** One pending row per scene, under the child workflow id the run gives it. */
export function sceneRows(
  project: ValidProjectInput,
  workflowIdOf: (sceneId: string, projectId: string) => string,
): ProjectSceneStatus[] {
  return project.scenes.map((s) => ({
    sceneId: s.sceneId,
    sceneType: s.sceneType,
    workflowId: workflowIdOf(s.sceneId, project.projectId),
    aspectRatio: s.aspectRatio,
    phase: 'pending',
    costUsd: 0,
  }));
}

/** The project's progress, counted from its rows: the counts and the total are never kept apart from them. */
export function projectProgress(
  header: ProjectHeader,
  scenes: ProjectSceneStatus[],
  budget: ProjectBudgetSummary | undefined,
): ProjectProgress {
  return {
    ...header,
    ...(budget && { budget }),
    scenes,
    totalCostUsd: roundUsd(scenes.reduce((sum, s) => sum + s.costUsd, 0)),
    counts: Object.fromEntries(
      projectScenePhases.map((phase) => [phase, scenes.filter((s) => s.phase === phase).length]),
    ) as ProjectProgress['counts'],
  };
}

/** A finished scene's row fields. Generated but not stored is not a success: only the provider's expiring URL holds it. */
export function finishedSceneFields(result: SceneVideoResult): Partial<ProjectSceneStatus> {
  return {
    phase: resultPhase(result),
    provider: result.provider,
    s3Key: result.s3Key,
    ...(result.objectUrl !== undefined && { objectUrl: result.objectUrl }),
    durationSec: result.durationSec,
    attempts: attemptSummaries(result.attempts),
    costUsd: result.totalCostUsd,
    ...(result.stored ? {} : { providerVideoUrl: result.providerVideoUrl, error: result.warning }),
  };
}

/** A scene's attempts as its project row keeps them: who, how and why it ended, and the cost; no messages. */
export function attemptSummaries(attempts: readonly AttemptProgress[]): ProjectSceneAttempt[] {
  return attempts.map(({ provider, state, reason, costUsd }) => ({
    provider,
    state,
    ...(reason !== undefined && { reason }),
    costUsd,
  }));
}

export const notStartedCancelled = 'not started: the project was cancelled';

/**
 * A cancelled project's end: scenes never started are cancelled; its memo keeps what each scene committed, and its
 * message says so.
 */
export function cancelledProjectReport(
  header: ProjectHeader,
  scenes: ProjectSceneStatus[],
): { memo: Record<string, unknown>; message: string } {
  for (const s of scenes.filter((x) => x.phase === 'pending'))
    Object.assign(s, { phase: 'cancelled', error: notStartedCancelled });
  const { totalCostUsd, counts } = projectProgress(header, scenes, undefined);
  const memo = {
    cancelled: {
      totalCostUsd,
      counts,
      scenes: Object.fromEntries(scenes.map((s) => [s.sceneId, { phase: s.phase, costUsd: s.costUsd }])),
    },
  };
  const message = `project cancelled: ${counts.cancelled} scene(s) cancelled, ${counts.succeeded} succeeded, ${counts.failed} failed; $${totalCostUsd} committed`;
  return { memo, message };
}

/** The line a finished project logs. */
export function projectSummary(progress: ProjectProgress): string {
  const { counts } = progress;
  return `Project ${progress.projectId}: ${counts.succeeded} succeeded, ${counts.unstored} not stored, ${counts.failed} failed, ${counts.skipped} skipped, $${progress.totalCostUsd}`;
}
