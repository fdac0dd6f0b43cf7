import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  condition,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { SceneActivities } from '../activities';
import type { ProviderSetup } from '../activities/contracts';
import { estimateCostUsd, roundUsd } from '../config/pricing';
import { failureTypes, type SceneProgress, type SceneVideoResult } from './definitions';
import { generateSceneVideo } from './generate-scene-video';
import {
  getProjectProgress,
  sceneEndedTypes,
  type ProjectProgress,
  type ProjectResult,
  type ProjectSceneStatus,
} from './project-definitions';
import { prepared } from './prepared';
import type { ProjectInput, ValidProjectInput } from './project-input';
import { planProviders, PlanError } from './provider-plan';
import { sceneStartAttributes, searchAttributes } from './search-attributes';
import { sceneWorkflowId } from './workflow-ids';

const { prepareProject } = proxyLocalActivities<SceneActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});
// A scene that ended without a clip is a non-retryable failure (see the activity); retries only ride out lost workers.
const { awaitSceneResult } = proxyActivities<SceneActivities>({
  startToCloseTimeout: '1 day',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: Object.values(sceneEndedTypes),
  },
});

/**
 * Runs started before this change let a cancel terminate their scenes (parent-close policy) or swallowed it; new runs
 * cancel each scene, wait for it to stop its provider task, record what it committed and end CANCELLED.
 */
const cancelScenesPatch = 'project-cancel-cancels-scenes';
/**
 * Decided once, in the run's first activation (module state is per run): an old run replayed without the marker keeps
 * the old behaviour even after it goes live again.
 */
let cancelScenes = false;

type ValidScene = ValidProjectInput['scenes'][number];

/** The cheapest configured provider that can render this scene, at its estimate; undefined when none can. */
function cheapestEstimate(scene: ValidScene, setup: ProviderSetup): number | undefined {
  const estimates = setup.catalogue
    .filter((p) => setup.configured.includes(p.key) && p.aspectRatios.includes(scene.aspectRatio))
    .filter((p) => !scene.allowedProviders || scene.allowedProviders.includes(p.key))
    .map((p) => estimateCostUsd(p, scene.durationSec));
  return estimates.length > 0 ? Math.min(...estimates) : undefined;
}

/**
 * A scene naming a provider the worker does not know or has no key for would fail anyway: the whole project fails
 * before any scene is paid for, naming every such scene.
 */
function rejectUnplannableScenes(project: ValidProjectInput, setup: ProviderSetup): void {
  const problems = project.scenes.flatMap((scene, i) => {
    try {
      planProviders({ ...scene, projectId: project.projectId }, setup.catalogue, setup.configured);
      return [];
    } catch (err) {
      if (err instanceof PlanError) return [`scenes[${i}] (${scene.sceneId}): ${err.message}`];
      throw err;
    }
  });
  if (problems.length > 0)
    throw ApplicationFailure.nonRetryable(
      `cannot plan providers for ${problems.length} scene(s): ${problems.join('; ')}`,
      failureTypes.notConfigured,
    );
}

/** Runs the scenes of one video as child scene workflows, at most N at once, within an optional budget. */
export async function generateProjectVideos(rawInput: ProjectInput): Promise<ProjectResult> {
  // Answers before the input is validated: a client may ask for progress the moment it has started the project.
  let known: Pick<ProjectProgress, 'projectId' | 'budgetUsd' | 'maxConcurrentScenes'> = {
    projectId: String((rawInput as Partial<ProjectInput> | null)?.projectId ?? ''),
    maxConcurrentScenes: 0,
  };
  let scenes: ProjectSceneStatus[] = [];
  const progress = (): ProjectProgress => ({
    ...known,
    scenes,
    totalCostUsd: roundUsd(scenes.reduce((sum, s) => sum + s.costUsd, 0)),
    counts: {
      pending: scenes.filter((s) => s.phase === 'pending').length,
      running: scenes.filter((s) => s.phase === 'running').length,
      succeeded: scenes.filter((s) => s.phase === 'succeeded').length,
      failed: scenes.filter((s) => s.phase === 'failed').length,
      cancelled: scenes.filter((s) => s.phase === 'cancelled').length,
      skipped: scenes.filter((s) => s.phase === 'skipped').length,
    },
  });
  setHandler(getProjectProgress, progress, { description: 'Each scene: phase, provider, cost; and the totals' });
  cancelScenes = patched(cancelScenesPatch);

  const { project, setup } = await prepared(prepareProject(rawInput));
  known = {
    projectId: project.projectId,
    budgetUsd: project.budgetUsd,
    maxConcurrentScenes: project.maxConcurrentScenes,
  };
  scenes = project.scenes.map((s) => ({
    sceneId: s.sceneId,
    sceneType: s.sceneType,
    workflowId: sceneWorkflowId(s.sceneId, project.projectId),
    phase: 'pending',
    costUsd: 0,
  }));
  if (workflowInfo().typedSearchAttributes.get(searchAttributes.projectId) === undefined)
    upsertSearchAttributes([{ key: searchAttributes.projectId, value: project.projectId }]);

  rejectUnplannableScenes(project, setup);
  let running = 0;
  let reserved = 0;
  const children: Promise<void>[] = [];
  for (const [i, scene] of project.scenes.entries()) {
    if (!(await slotFree(() => running < project.maxConcurrentScenes))) break;
    const status = scenes[i]!;
    const cheapest = cheapestEstimate(scene, setup);
    const left =
      project.budgetUsd === undefined ? undefined : roundUsd(project.budgetUsd - progress().totalCostUsd - reserved);
    if (left !== undefined && cheapest !== undefined && left < cheapest) {
      status.phase = 'skipped';
      status.error = `budget: $${left.toFixed(4)} left cannot cover the cheapest estimate $${cheapest.toFixed(4)}`;
      log.info(`Skipping scene ${scene.sceneId}: ${status.error}`);
      continue;
    }
    running++;
    reserved += cheapest ?? 0;
    status.phase = 'running';
    const maxCostUsd = [scene.maxCostUsd, left].filter((v): v is number => v !== undefined);
    children.push(
      runScene(project, scene, status.workflowId, maxCostUsd.length > 0 ? Math.min(...maxCostUsd) : undefined)
        .then((result) => {
          Object.assign(status, {
            phase: 'succeeded',
            provider: result.provider,
            s3Key: result.s3Key,
            costUsd: result.totalCostUsd,
          });
        })
        .catch((err: unknown) => {
          Object.assign(status, failedSceneFields(err));
        })
        .finally(() => {
          running--;
          reserved -= cheapest ?? 0;
        }),
    );
  }
  await Promise.all(children);
  if (cancelScenes && CancellationScope.current().consideredCancelled) throw projectCancelled(scenes, progress);
  const result = progress();
  log.info(
    `Project ${project.projectId}: ${result.counts.succeeded} succeeded, ${result.counts.failed} failed, ${result.counts.skipped} skipped, $${result.totalCostUsd}`,
  );
  return result;
}

async function runScene(
  project: ValidProjectInput,
  scene: ValidScene,
  workflowId: string,
  maxCostUsd?: number,
): Promise<SceneVideoResult> {
  try {
    return await executeChild(generateSceneVideo, {
      workflowId,
      args: [{ ...scene, projectId: project.projectId, polling: project.polling ?? scene.polling, maxCostUsd }],
      typedSearchAttributes: sceneStartAttributes({ ...scene, projectId: project.projectId }),
      // A scene that already succeeded (in an earlier run) is never generated and paid for again.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      // Cancelled with the project, and waited for: a cancelled scene cancels its remote task before it closes. Even
      // a project that closes without waiting (terminated) asks its scenes to cancel rather than terminating them.
      ...(cancelScenes && {
        parentClosePolicy: 'REQUEST_CANCEL',
        cancellationType: 'WAIT_CANCELLATION_COMPLETED',
      }),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return attachScene(workflowId);
    if (isCancellation(err) && cancelScenes) return settleCancelledScene(workflowId);
    throw err;
  }
}

/** A scene started by an earlier run of this project: wait for it, and cancel it if this project is cancelled. */
async function attachScene(workflowId: string): Promise<SceneVideoResult> {
  try {
    return await awaitSceneResult(workflowId);
  } catch (err) {
    if (isCancellation(err) && cancelScenes) return settleCancelledScene(workflowId);
    throw err;
  }
}

/**
 * The project was cancelled: make sure the scene is asked to cancel (an attached scene is not our child; a child whose
 * start raced the cancel may still be running), then wait for it to close and learn what it committed. The scene's
 * ending comes back as awaitSceneResult's failure, with the scene's snapshot in its details.
 */
function settleCancelledScene(workflowId: string): Promise<SceneVideoResult> {
  return CancellationScope.nonCancellable(async () => {
    await getExternalWorkflowHandle(workflowId)
      .cancel()
      .catch(() => undefined); // already closed: nothing to cancel
    return awaitSceneResult(workflowId);
  });
}

/** Waits for a free slot; false when the project is cancelled first (in runs with the cancel patch). */
async function slotFree(free: () => boolean): Promise<boolean> {
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

/** The final state of a cancelled project: scenes never started are cancelled; the memo keeps what each committed. */
function projectCancelled(scenes: ProjectSceneStatus[], progress: () => ProjectProgress): CancelledFailure {
  for (const s of scenes.filter((x) => x.phase === 'pending'))
    Object.assign(s, { phase: 'cancelled', error: 'not started: the project was cancelled' });
  const { totalCostUsd, counts } = progress();
  upsertMemo({
    cancelled: {
      totalCostUsd,
      counts,
      scenes: Object.fromEntries(scenes.map((s) => [s.sceneId, { phase: s.phase, costUsd: s.costUsd }])),
    },
  });
  const message = `project cancelled: ${counts.cancelled} scene(s) cancelled, ${counts.succeeded} succeeded, ${counts.failed} failed; $${totalCostUsd} committed`;
  log.info(message);
  return new CancelledFailure(message);
}

function failedSceneFields(err: unknown): Pick<ProjectSceneStatus, 'phase' | 'error' | 'costUsd'> {
  const cause = err instanceof ChildWorkflowFailure || err instanceof ActivityFailure ? err.cause : err;
  const snapshot = cause instanceof ApplicationFailure ? (cause.details?.[0] as SceneProgress | undefined) : undefined;
  const cancelled =
    isCancellation(err) || (cause instanceof ApplicationFailure && cause.type === sceneEndedTypes.cancelled);
  return {
    phase: cancelled ? 'cancelled' : 'failed',
    error: cause instanceof Error ? cause.message : String(cause),
    costUsd: snapshot?.totalCostUsd ?? 0,
  };
}
