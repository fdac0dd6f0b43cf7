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
  TerminatedFailure,
  TimeoutFailure,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { SceneActivities } from '../activities';
import type { ProviderSetup } from '../contract/activities';
import type { FoundSceneRun } from '../activities/find-scene-runs';
import { clipSceneError } from '../contract/payload-limits';
import { estimateCostUsd, roundUsd, worstCaseCostUsd } from '../domain/pricing';
import { ProjectBudget, type AttachedRun, type SceneNeed } from '../domain/budget';
import { failureTypes, resultPhase, type SceneProgress, type SceneVideoResult } from '../contract/scene-workflow';
import { childSceneInput } from '../domain/child-scene-input';
import { generateSceneVideo } from './generate-scene-video';
import {
  getProjectProgress,
  sceneEndedTypes,
  type ProjectProgress,
  type ProjectResult,
  type ProjectSceneStatus,
} from '../contract/project-workflow';
import { prepared } from './prepared';
import { withEchoedFields } from '../domain/project-echo';
import type { ProjectInput, ValidProjectInput } from '../contract/project-input';
import { planProviders, PlanError } from '../domain/planning';
import { sceneStartAttributes, searchAttributes } from '../contract/search-attributes';
import {
  identityMismatchType,
  sceneIdentity,
  sceneIdentityMemoKey,
  type SceneIdentity,
} from '../domain/scene-identity';
import { legacySceneWorkflowId, sceneWorkflowId } from '../contract/workflow-ids';

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

// One look per project run at every scene's ids (describe and, for a run found, its history and progress query).
const { findSceneRuns } = proxyActivities<SceneActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
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
      planScene(project, scene, setup);
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

function planScene(project: ValidProjectInput, scene: ValidScene, setup: ProviderSetup) {
  return planProviders({ ...scene, projectId: project.projectId }, setup.catalogue, setup.configured);
}

/** What the scene may spend and what each provider of its plan could bill, for the project's ledger. */
function sceneNeed(project: ValidProjectInput, scene: ValidScene, setup: ProviderSetup): SceneNeed {
  return {
    sceneId: scene.sceneId,
    capUsd: scene.maxCostUsd,
    options: planScene(project, scene, setup).order.map((p) => ({
      provider: p.key,
      worstCaseUsd: worstCaseCostUsd(p, scene.durationSec),
    })),
  };
}

/**
 * The allowance the scene starts with, once the budget can cover it; 'skipped' when nothing running can free enough
 * money, 'cancelled' when the project is cancelled while the scene waits for money.
 */
async function allowanceFor(
  ledger: ProjectBudget,
  need: SceneNeed,
  status: ProjectSceneStatus,
): Promise<number | 'skipped' | 'cancelled'> {
  for (;;) {
    const decision = ledger.decide(need);
    if (decision.kind === 'start') {
      delete status.error;
      return decision.grantUsd;
    }
    status.error = decision.reason;
    if (decision.kind === 'skip') {
      Object.assign(status, { phase: 'skipped', budget: 'skipped' });
      log.info(`Skipping scene ${need.sceneId}: ${decision.reason}`);
      return 'skipped';
    }
    const seen = ledger.settlements;
    if (!(await waitUnlessCancelled(() => ledger.settlements !== seen))) return 'cancelled';
  }
}

function sceneIdentityOf(project: ValidProjectInput, scene: ValidScene): SceneIdentity {
  return sceneIdentity({ ...scene, projectId: project.projectId });
}

/** A scene that already runs: the ledger must hold what that run may still bill, not this project's plan for it. */
function attachNeed(scene: ValidScene, run: AttachedRun & { sceneId: string }): SceneNeed {
  return { sceneId: scene.sceneId, capUsd: scene.maxCostUsd, options: [], attached: run };
}

/** Runs the scenes of one video as child scene workflows, at most N at once, within an optional budget. */
export async function generateProjectVideos(rawInput: ProjectInput): Promise<ProjectResult> {
  // Answers before the input is validated: a client may ask for progress the moment it has started the project.
  let known: Pick<ProjectProgress, 'projectId' | 'budgetUsd' | 'maxConcurrentScenes'> = {
    projectId: String((rawInput as Partial<ProjectInput> | null)?.projectId ?? ''),
    maxConcurrentScenes: 0,
  };
  let scenes: ProjectSceneStatus[] = [];
  let ledger: ProjectBudget | undefined;
  const progress = (): ProjectProgress => ({
    ...known,
    ...(ledger && { budget: ledger.summary() }),
    scenes,
    totalCostUsd: roundUsd(scenes.reduce((sum, s) => sum + s.costUsd, 0)),
    counts: {
      pending: scenes.filter((s) => s.phase === 'pending').length,
      running: scenes.filter((s) => s.phase === 'running').length,
      succeeded: scenes.filter((s) => s.phase === 'succeeded').length,
      unstored: scenes.filter((s) => s.phase === 'unstored').length,
      failed: scenes.filter((s) => s.phase === 'failed').length,
      cancelled: scenes.filter((s) => s.phase === 'cancelled').length,
      skipped: scenes.filter((s) => s.phase === 'skipped').length,
    },
  });
  setHandler(getProjectProgress, progress, { description: 'Each scene: phase, provider, cost; and the totals' });
  // Patches are decided before the first local activity: a marker written after it can land in a later workflow
  // task, which a replay reaches only after it has resolved the local activity, and then reads the patch as absent.
  cancelScenes = patched(cancelScenesPatch);
  // Runs started before ids became unambiguous keep their children's old ids (and replay), new runs use the new ones
  // and record each child's identity, which an attach to an existing child verifies.
  const unambiguousIds = patched('unambiguous-scene-ids');
  // A hard cap: each running scene holds an allowance (a worst case) until it ends. Runs started before it replay the
  // estimate-based reservations below.
  const budgetIsCap =
    (rawInput as Partial<ProjectInput> | null)?.budgetUsd !== undefined && patched('project-budget-worst-case');

  const { project: slim, setup } = await prepared(prepareProject(rawInput));
  const project = withEchoedFields(slim, rawInput);
  known = {
    projectId: project.projectId,
    budgetUsd: project.budgetUsd,
    maxConcurrentScenes: project.maxConcurrentScenes,
  };
  scenes = project.scenes.map((s) => ({
    sceneId: s.sceneId,
    sceneType: s.sceneType,
    workflowId: (unambiguousIds ? sceneWorkflowId : legacySceneWorkflowId)(s.sceneId, project.projectId),
    phase: 'pending',
    costUsd: 0,
  }));
  if (workflowInfo().typedSearchAttributes.get(searchAttributes.projectId) === undefined)
    upsertSearchAttributes([{ key: searchAttributes.projectId, value: project.projectId }]);

  rejectUnplannableScenes(project, setup);
  if (project.budgetUsd !== undefined && budgetIsCap) ledger = new ProjectBudget(project.budgetUsd);
  // Scenes already going or done (under their id or their old-format one, started on their own or by an earlier run)
  // are attached to, not paid for again; what they spent or may still spend counts. Runs of the same release as the
  // cancel patch and the new ids only: older runs replay without the lookup.
  const found = new Map<string, FoundSceneRun>();
  if (unambiguousIds && cancelScenes) {
    const ids = project.scenes.map((s) => ({ sceneId: s.sceneId, inputHash: sceneIdentityOf(project, s).inputHash }));
    const lookup = { projectId: project.projectId, scenes: ids };
    for (const run of await findSceneRuns(lookup)) found.set(run.sceneId, run);
  }
  for (const run of found.values()) if (run.kind === 'succeeded') ledger?.holdPrior(run.sceneId, run.spentUsd);
  let running = 0;
  let reserved = 0;
  const children: Promise<void>[] = [];
  for (const [i, scene] of project.scenes.entries()) {
    if (!(await waitUnlessCancelled(() => running < project.maxConcurrentScenes))) break;
    const status = scenes[i]!;
    const existing = found.get(scene.sceneId);
    if (existing?.kind === 'refused') {
      Object.assign(status, { workflowId: existing.workflowId, phase: 'failed', error: existing.message });
      continue;
    }
    if (existing) status.workflowId = existing.workflowId;
    let cheapest: number | undefined;
    let maxCostUsd: number | undefined;
    // A scene that had already succeeded is held at its cost from the start (holdPrior above).
    if (ledger && existing?.kind !== 'succeeded') {
      const need = existing ? attachNeed(scene, existing) : sceneNeed(project, scene, setup);
      const allowance = await allowanceFor(ledger, need, status);
      if (allowance === 'cancelled') break;
      if (allowance === 'skipped') continue;
      maxCostUsd = allowance;
      ledger.reserve(scene.sceneId, maxCostUsd);
      status.allowanceUsd = maxCostUsd;
    } else if (!ledger) {
      cheapest = cheapestEstimate(scene, setup);
      const left =
        project.budgetUsd === undefined ? undefined : roundUsd(project.budgetUsd - progress().totalCostUsd - reserved);
      if (left !== undefined && cheapest !== undefined && left < cheapest) {
        status.phase = 'skipped';
        status.error = `budget: $${left.toFixed(4)} left cannot cover the cheapest estimate $${cheapest.toFixed(4)}`;
        log.info(`Skipping scene ${scene.sceneId}: ${status.error}`);
        continue;
      }
      const caps = [scene.maxCostUsd, left].filter((v): v is number => v !== undefined);
      maxCostUsd = caps.length > 0 ? Math.min(...caps) : undefined;
    }
    running++;
    reserved += cheapest ?? 0;
    status.phase = 'running';
    let charged: number | undefined;
    const identity = unambiguousIds ? sceneIdentityOf(project, scene) : undefined;
    children.push(
      (existing
        ? attachScene(existing.workflowId, identity)
        : runScene(project, scene, status, maxCostUsd, identity, ledger)
      )
        .then((result) => {
          charged = result.totalCostUsd;
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
          if (cancelScenes && endedWithoutReport(err)) return endedSceneReport(err, status.workflowId).then(record);
          record(err);
        })
        .finally(() => {
          running--;
          reserved -= cheapest ?? 0;
          const overrun = ledger?.settle(scene.sceneId, charged);
          if (overrun !== undefined) {
            Object.assign(status, { budget: 'stopped', error: status.error ? `${status.error}; ${overrun}` : overrun });
            log.warn(`Scene ${scene.sceneId}: ${overrun}`);
          }
        }),
    );
  }
  await Promise.all(children);
  if (cancelScenes && CancellationScope.current().consideredCancelled) throw projectCancelled(scenes, progress);
  const result = progress();
  log.info(
    `Project ${project.projectId}: ${result.counts.succeeded} succeeded, ${result.counts.unstored} not stored, ${result.counts.failed} failed, ${result.counts.skipped} skipped, $${result.totalCostUsd}`,
  );
  return result;
}

async function runScene(
  project: ValidProjectInput,
  scene: ValidScene,
  status: ProjectSceneStatus,
  maxCostUsd?: number,
  identity?: SceneIdentity,
  ledger?: ProjectBudget,
): Promise<SceneVideoResult> {
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
      ...(cancelScenes && {
        parentClosePolicy: 'REQUEST_CANCEL',
        cancellationType: 'WAIT_CANCELLATION_COMPLETED',
      }),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      // Started after the project's lookup (on its own, or by another run): decided again against the ledger, as a
      // run found by the lookup is (runs of the lookup's release only).
      if (ledger && identity && cancelScenes) return attachLateRun(project, scene, identity, ledger, status);
      return attachScene(workflowId, identity);
    }
    if (isCancellation(err) && cancelScenes) {
      // Cancelled before the child started (the start itself was cancelled, not a started child): nothing ran under
      // this project, and whatever the id held before is not this run's. Runs of the new-ids release (with identity).
      if (identity && err instanceof CancelledFailure) throw new NotRun('cancelled', status);
      return settleCancelledScene(workflowId);
    }
    throw err;
  }
}

/** A scene this project run did not run: cancelled before its child started, or a run of it left alone (skipped). */
class NotRun extends Error {
  constructor(how: 'cancelled' | 'skipped', status: ProjectSceneStatus, reason?: string) {
    super(reason ?? 'not started: the project was cancelled');
    if (how === 'cancelled') Object.assign(status, { phase: 'cancelled', costUsd: 0, error: this.message });
  }
}

/**
 * The child start met a run of the scene that the project's lookup did not see (started since, on its own or by another
 * run of the project). Its exposure is not the allowance this project granted: look that one scene up with the same
 * activity and decide again, as for a run found by the lookup. A run that already succeeded counts at its cost (never
 * as an overrun); a running one is attached only once its exposure is reserved, and otherwise left alone (skipped).
 */
async function attachLateRun(
  project: ValidProjectInput,
  scene: ValidScene,
  identity: SceneIdentity,
  ledger: ProjectBudget,
  status: ProjectSceneStatus,
): Promise<SceneVideoResult> {
  const lookup = { projectId: project.projectId, scenes: [{ sceneId: scene.sceneId, inputHash: identity.inputHash }] };
  const [run] = await findSceneRuns(lookup);
  // Another scene's run under the id (the attach refuses it, at $0), or one that closed in between: as before.
  if (!run) return attachScene(status.workflowId, identity);
  status.workflowId = run.workflowId;
  if (run.kind === 'refused') throw ApplicationFailure.nonRetryable(run.message, identityMismatchType);
  delete status.allowanceUsd;
  if (run.kind === 'succeeded') {
    ledger.holdPrior(scene.sceneId, run.spentUsd);
    return attachScene(run.workflowId, identity);
  }
  ledger.reserve(scene.sceneId, 0); // the child this allowance was granted to never started
  const allowance = await allowanceFor(ledger, attachNeed(scene, run), status);
  if (allowance === 'skipped') throw new NotRun('skipped', status);
  if (allowance === 'cancelled')
    throw new NotRun('cancelled', status, `not attached to ${run.workflowId}: the project was cancelled`);
  ledger.reserve(scene.sceneId, allowance);
  status.allowanceUsd = allowance;
  return attachScene(run.workflowId, identity);
}

function failureOf(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ChildWorkflowFailure || err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? cause : undefined;
}

function failureTypeOf(err: unknown): string | undefined {
  return failureOf(err)?.type ?? undefined;
}

/** What a failed scene reported it spent; undefined when it reported nothing (the ledger then keeps its allowance). */
function reportedCharge(err: unknown): number | undefined {
  return (failureOf(err)?.details?.[0] as SceneProgress | undefined)?.totalCostUsd;
}

/**
 * A scene started by an earlier run of this project: wait for it (once it proves to be the same scene, where the run
 * records identities), and cancel it if this project is cancelled.
 */
async function attachScene(workflowId: string, identity?: SceneIdentity): Promise<SceneVideoResult> {
  try {
    return await (identity ? awaitSceneResult(workflowId, identity) : awaitSceneResult(workflowId));
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

/** Waits for a free slot or money; false when the project is cancelled first (in runs with the cancel patch). */
async function waitUnlessCancelled(free: () => boolean): Promise<boolean> {
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

const endedUnknownTypes: string[] = [sceneEndedTypes.terminated, sceneEndedTypes.timedOut, sceneEndedTypes.cancelled];

/** A child that was terminated or timed out: its failure carries no snapshot of what it committed. */
function endedWithoutReport(err: unknown): boolean {
  return (
    err instanceof ChildWorkflowFailure &&
    (err.cause instanceof TerminatedFailure || err.cause instanceof TimeoutFailure)
  );
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
    if (reportedCharge(report) !== undefined || endedUnknownTypes.includes(failureTypeOf(report) ?? '')) return report;
  }
  return err;
}

function failedSceneFields(err: unknown, workflowId: string): Pick<ProjectSceneStatus, 'phase' | 'error' | 'costUsd'> {
  const cause = err instanceof ChildWorkflowFailure || err instanceof ActivityFailure ? err.cause : err;
  const cancelled = isCancellation(err) || failureTypeOf(err) === sceneEndedTypes.cancelled;
  return {
    phase: cancelled ? 'cancelled' : 'failed',
    error: clipSceneError(cause instanceof Error ? cause.message : String(cause), workflowId),
    costUsd: reportedCharge(err) ?? 0,
  };
}
