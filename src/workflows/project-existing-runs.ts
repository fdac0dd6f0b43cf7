import { ApplicationFailure, isCancellation } from '@temporalio/workflow';
import type { FoundSceneRun } from '../activities/find-scene-runs';
import type { ValidProjectInput, ValidProjectScene } from '../contract/project-input';
import type { ProjectSceneStatus } from '../contract/project-workflow';
import type { SceneVideoResult } from '../contract/scene-workflow';
import { attachNeed, type ProjectBudget } from '../domain/budget';
import { identityMismatchType, type SceneIdentity } from '../domain/scene-identity';
import { awaitSceneResult, findSceneRuns } from './project-activities';
import { allowanceFor } from './project-budget';
import { NotRun, settleCancelledScene } from './project-cancel';
import type { ProjectRelease } from './project-release';

/**
 * Scenes already going or done (under their id or their old-format one, started on their own or by an earlier run)
 * are attached to, not paid for again; what they spent or may still spend counts.
 */
export async function findExistingRuns(
  project: ValidProjectInput,
  identities: SceneIdentity[],
): Promise<Map<string, FoundSceneRun>> {
  const scenes = identities.map(({ sceneId, inputHash }) => ({ sceneId, inputHash }));
  const found = await findSceneRuns({ projectId: project.projectId, scenes });
  return new Map(found.map((run) => [run.sceneId, run]));
}

/**
 * A scene started by an earlier run of this project: wait for it (once it proves to be the same scene, where the run
 * records identities), and cancel it if this project is cancelled.
 */
export async function attachScene(
  release: ProjectRelease,
  workflowId: string,
  identity?: SceneIdentity,
): Promise<SceneVideoResult> {
  try {
    return await (identity ? awaitSceneResult(workflowId, identity) : awaitSceneResult(workflowId));
  } catch (err) {
    if (isCancellation(err) && release.cancelScenes) return settleCancelledScene(workflowId);
    throw err;
  }
}

/**
 * The child start met a run of the scene that the project's lookup did not see (started since, on its own or by another
 * run of the project). Its exposure is not the allowance this project granted: look that one scene up with the same
 * activity and decide again, as for a run found by the lookup. A run that already succeeded counts at its cost (never
 * as an overrun); a running one is attached only once its exposure is reserved, and otherwise left alone (skipped).
 */
export async function attachLateRun(
  { project, release }: { project: ValidProjectInput; release: ProjectRelease },
  ledger: ProjectBudget,
  scene: ValidProjectScene,
  identity: SceneIdentity,
  status: ProjectSceneStatus,
): Promise<SceneVideoResult> {
  const lookup = { projectId: project.projectId, scenes: [{ sceneId: scene.sceneId, inputHash: identity.inputHash }] };
  const [run] = await findSceneRuns(lookup);
  // Another scene's run under the id (the attach refuses it, at $0), or one that closed in between: as before.
  if (!run) return attachScene(release, status.workflowId, identity);
  status.workflowId = run.workflowId;
  if (run.kind === 'refused') throw ApplicationFailure.nonRetryable(run.message, identityMismatchType);
  delete status.allowanceUsd;
  if (run.kind === 'succeeded') {
    ledger.holdPrior(scene.sceneId, run.spentUsd);
    return attachScene(release, run.workflowId, identity);
  }
  ledger.reserve(scene.sceneId, 0); // the child this allowance was granted to never started
  const allowance = await allowanceFor(ledger, attachNeed(scene, run), status, release, project.projectId);
  if (allowance === 'skipped') throw new NotRun('skipped', status);
  if (allowance === 'cancelled')
    throw new NotRun('cancelled', status, `not attached to ${run.workflowId}: the project was cancelled`);
  ledger.reserve(scene.sceneId, allowance.maxCostUsd);
  status.allowanceUsd = allowance.maxCostUsd;
  return attachScene(release, run.workflowId, identity);
}
