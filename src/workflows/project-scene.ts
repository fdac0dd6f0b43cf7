import { CancellationScope, CancelledFailure, executeChild, isCancellation } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { FoundSceneRun } from '../activities/find-scene-runs';
import type { ValidProjectInput, ValidProjectScene } from '../contract/project-input';
import type { ProjectSceneStatus } from '../contract/project-workflow';
import { failureTypes, type SceneVideoResult } from '../contract/scene-workflow';
import { sceneStartAttributes } from '../contract/search-attributes';
import type { ProjectBudget } from '../domain/budget';
import { childSceneInput } from '../domain/child-scene-input';
import { finishedSceneFields } from '../domain/project-progress';
import { identityMismatchType, sceneIdentityMemoKey, type SceneIdentity } from '../domain/scene-identity';
import { generateSceneVideo } from './generate-scene-video';
import { awaitSceneResult } from './project-activities';
import { NotRun, settleCancelledScene } from './project-cancel';
import { attachLateRun, attachScene } from './project-existing-runs';
import type { ProjectRelease } from './project-release';
import {
  endedWithoutReport,
  failedSceneFields,
  failureTypeOf,
  isEndedSceneReport,
  reportedCharge,
} from './project-scene-failure';

/** What every scene of one project run shares. */
export interface ProjectRun {
  project: ValidProjectInput;
  release: ProjectRelease;
  /** The hard-cap ledger, in runs since the budget became a cap. */
  ledger?: ProjectBudget;
}

/**
 * Runs the scene (or waits for its run that already exists) and records how it ended in its row; `settled` gets what
 * it charged this project, undefined when that is unknown.
 */
export function playScene(
  run: ProjectRun,
  scene: ValidProjectScene,
  status: ProjectSceneStatus,
  start: { existing?: FoundSceneRun; maxCostUsd?: number; identity?: SceneIdentity },
  settled: (chargedUsd: number | undefined) => void,
): Promise<void> {
  let charged: number | undefined;
  const { existing, maxCostUsd, identity } = start;
  return (
    existing
      ? attachScene(run.release, existing.workflowId, identity)
      : runScene(run, scene, status, maxCostUsd, identity)
  )
    .then((result) => {
      charged = result.totalCostUsd;
      Object.assign(status, finishedSceneFields(result));
    })
    .catch((err: unknown) => {
      // Left alone (a run started after the lookup, not attached) or never started: it charged this project nothing.
      if (err instanceof NotRun) {
        charged = 0;
        return;
      }
      const record = (failure: unknown) => {
        Object.assign(status, failedSceneFields(failure, status.workflowId));
        // A scene refused for identity started nothing: it settles at $0, not at its whole allowance.
        charged = failureTypeOf(failure) === identityMismatchType ? 0 : reportedCharge(failure);
        if (failureTypeOf(failure) === failureTypes.budgetExhausted) status.budget = 'stopped';
      };
      // A child terminated or timed out reports nothing: learn what it committed, as for a cancelled scene.
      if (run.release.cancelScenes && endedWithoutReport(err))
        return endedSceneReport(err, status.workflowId).then(record);
      record(err);
    })
    .finally(() => settled(charged));
}

async function runScene(
  run: ProjectRun,
  scene: ValidProjectScene,
  status: ProjectSceneStatus,
  maxCostUsd?: number,
  identity?: SceneIdentity,
): Promise<SceneVideoResult> {
  const { project, release, ledger } = run;
  const { workflowId } = status;
  try {
    return await executeChild(generateSceneVideo, {
      workflowId,
      args: [childSceneInput(project, scene, maxCostUsd)],
      typedSearchAttributes: sceneStartAttributes({ ...scene, projectId: project.projectId }),
      ...(identity ? { memo: { [sceneIdentityMemoKey]: identity } } : {}),
      // A scene that already succeeded (in an earlier run) is never generated and paid for again.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      // Cancelled with the project, and waited for: a cancelled scene cancels its remote task before it closes. Even
      // a project that closes without waiting (terminated) asks its scenes to cancel rather than terminating them.
      ...(release.cancelScenes && {
        parentClosePolicy: 'REQUEST_CANCEL',
        cancellationType: 'WAIT_CANCELLATION_COMPLETED',
      }),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      // Started after the project's lookup (on its own, or by another run): decided again against the ledger, as a
      // run found by the lookup is (runs of the lookup's release only).
      if (ledger && identity && release.cancelScenes) return attachLateRun(run, ledger, scene, identity, status);
      return attachScene(release, workflowId, identity);
    }
    if (isCancellation(err) && release.cancelScenes) {
      // Cancelled before the child started (the start itself was cancelled, not a started child): nothing ran under
      // this project, and whatever the id held before is not this run's. Runs of the new-ids release (with identity).
      if (identity && err instanceof CancelledFailure) throw new NotRun('cancelled', status);
      return settleCancelledScene(workflowId);
    }
    throw err;
  }
}

/**
 * What a terminated or timed-out child committed: awaitSceneResult answers for the closed scene with a non-retryable
 * failure carrying its snapshot (its query, else its CostUsd search attribute). The child's own failure when that
 * cannot be learned (the ledger then keeps its whole allowance as spent).
 */
async function endedSceneReport(err: unknown, workflowId: string): Promise<unknown> {
  try {
    await CancellationScope.nonCancellable(() => awaitSceneResult(workflowId));
  } catch (report) {
    // Its snapshot, or (when no cost can be read) its ending with why the cost is unknown: no charge, so the ledger
    // keeps the whole allowance.
    if (isEndedSceneReport(report)) return report;
  }
  return err;
}
