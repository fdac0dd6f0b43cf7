import {
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  executeChild,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { SceneActivities } from '../activities';
import type { ProviderSetup } from '../activities/contracts';
import { estimateCostUsd, roundUsd } from '../config/pricing';
import { failureTypes, resultPhase, type SceneProgress, type SceneVideoResult } from './definitions';
import { generateSceneVideo } from './generate-scene-video';
import {
  getProjectProgress,
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
const { awaitSceneResult } = proxyActivities<SceneActivities>({
  startToCloseTimeout: '1 day',
  heartbeatTimeout: '1 minute',
});

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
      unstored: scenes.filter((s) => s.phase === 'unstored').length,
      failed: scenes.filter((s) => s.phase === 'failed').length,
      skipped: scenes.filter((s) => s.phase === 'skipped').length,
    },
  });
  setHandler(getProjectProgress, progress, { description: 'Each scene: phase, provider, cost; and the totals' });

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
    await condition(() => running < project.maxConcurrentScenes);
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
            // Generated but not stored is not a success: only the provider's expiring URL holds the clip.
            phase: resultPhase(result),
            provider: result.provider,
            s3Key: result.s3Key,
            costUsd: result.totalCostUsd,
            ...(result.stored ? {} : { providerVideoUrl: result.providerVideoUrl, error: result.warning }),
          });
        })
        .catch((err: unknown) => {
          Object.assign(status, { phase: 'failed', ...failedSceneFields(err) });
        })
        .finally(() => {
          running--;
          reserved -= cheapest ?? 0;
        }),
    );
  }
  await Promise.all(children);
  const result = progress();
  log.info(
    `Project ${project.projectId}: ${result.counts.succeeded} succeeded, ${result.counts.unstored} not stored, ${result.counts.failed} failed, ${result.counts.skipped} skipped, $${result.totalCostUsd}`,
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
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return awaitSceneResult(workflowId);
    throw err;
  }
}

function failedSceneFields(err: unknown): Pick<ProjectSceneStatus, 'error' | 'costUsd'> {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
  const snapshot = cause instanceof ApplicationFailure ? (cause.details?.[0] as SceneProgress | undefined) : undefined;
  return { error: cause instanceof Error ? cause.message : String(cause), costUsd: snapshot?.totalCostUsd ?? 0 };
}
