import {
  CancellationScope,
  CancelledFailure,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  upsertMemo,
} from '@temporalio/workflow';
import type { ProjectSceneStatus } from '../contract/project-workflow';
import type { SceneVideoResult } from '../contract/scene-workflow';
import { cancelledProjectReport, notStartedCancelled, type ProjectHeader } from '../domain/project-progress';
import { awaitSceneResult } from './project-activities';

/**
 * Waits for a free slot or money; false when the project is cancelled first (runs with the cancel patch: older runs
 * wait on, as they did).
 */
export async function waitUnlessCancelled(cancelScenes: boolean, free: () => boolean): Promise<boolean> {
  if (!cancelScenes) {
    await condition(free);
    return true;
  }
  if (CancellationScope.current().consideredCancelled) return false;
  try {
    await condition(free);
    return true;
  } catch (err) {
    if (isCancellation(err)) return false;
    throw err;
  }
}

/**
 * The project was cancelled: make sure the scene is asked to cancel (an attached scene is not our child; a child whose
 * start raced the cancel may still be running), then wait for it to close and learn what it committed. The scene's
 * ending comes back as awaitSceneResult's failure, with the scene's snapshot in its details.
 */
export function settleCancelledScene(workflowId: string): Promise<SceneVideoResult> {
  return CancellationScope.nonCancellable(async () => {
    await getExternalWorkflowHandle(workflowId)
      .cancel()
      .catch(() => undefined); // already closed: nothing to cancel
    return awaitSceneResult(workflowId);
  });
}

/** A scene this project run did not run: cancelled before its child started, or a run of it left alone (skipped). */
export class NotRun extends Error {
  constructor(how: 'cancelled' | 'skipped', status: ProjectSceneStatus, reason?: string) {
    super(reason ?? notStartedCancelled);
    if (how === 'cancelled') Object.assign(status, { phase: 'cancelled', costUsd: 0, error: this.message });
  }
}

/** The final state of a cancelled project: scenes never started are cancelled; the memo keeps what each committed. */
export function projectCancelled(header: ProjectHeader, scenes: ProjectSceneStatus[]): CancelledFailure {
  const { memo, message } = cancelledProjectReport(header, scenes);
  upsertMemo(memo);
  log.info(message, { projectId: header.projectId });
  return new CancelledFailure(message);
}
