import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  isCancellation,
  log,
  patched,
  setHandler,
  setWorkflowOptions,
} from '@temporalio/workflow';
import type { CancelTaskOutput, PollStatusInput, PollStatusOutput, ProviderSetup } from '../contract/activities';
import type { ProviderTaskSnapshot } from '../contract/provider-task';
import { providerTaskEvent } from '../contract/provider-webhook';
import { taskVerdict } from '../domain/task-verdict';
import type { ProviderConfig } from '../contract/catalogue';
import type { SceneInput, ValidSceneInput } from '../contract/scene-input';
import { failureTypes, getProgress, providerProgress, type SceneVideoResult } from '../contract/scene-workflow';
import { sceneBudgetCapPatch } from '../domain/budget';
import { moderationStop } from '../domain/moderation';
import { planProviders, PlanError } from '../domain/planning';
import { worstCaseCostUsd } from '../domain/pricing';
import { SceneBudget } from '../domain/scene-budget';
import { SceneLedger } from '../domain/scene-ledger';
import { sha256Hex } from '../domain/sha256';
import { prepared } from './prepared';
import { cancelTask, checkTaskWithin, createTask, pollStatusWithin, prepareScene } from './scene-activities';
import { TaskInbox } from './task-inbox';
import {
  createFailure,
  describeFailure,
  failureDetails,
  missedDeadline,
  pollFailure,
  taskEndedFailure,
  throttledMsOf,
  type AttemptFailure,
} from './scene-failures';
import { SceneMetrics } from './scene-metrics';
import { providerGatePatch, SceneGates, type LeaseEnd } from './scene-gates';
import { publishViews, startedWith } from './scene-views';
import { storeClip } from './store-clip';
import { versionedBehavior } from './versioning-behavior';

/** One scene's run: what every step needs, passed as one. */
interface SceneRun {
  input: ValidSceneInput;
  setup: ProviderSetup;
  ledger: SceneLedger;
  inbox: TaskInbox;
  metrics: SceneMetrics;
  startedAt: number;
}

/** How one provider's attempt ended: the scene decides what follows. */
type AttemptEnd =
  | { kind: 'delivered'; result: SceneVideoResult }
  | { kind: 'failed' }
  | { kind: 'cancelled'; cancellation: unknown }
  | { kind: 'scene-failed'; type: string; message: string };

/**
 * On a versioned worker (TEMPORAL_DEPLOYMENT_NAME), a scene is PINNED: it lasts minutes, so it finishes on the build
 * that started it while new scenes go to the current one, and a change to scene code needs no `patched()` for runs
 * on versioned workers. Unversioned workers declare nothing (`versionedBehavior`); there every change still needs one.
 */
setWorkflowOptions(versionedBehavior('PINNED'), generateSceneVideo);

/** Turns one scene into a stored clip: rank providers, then create → poll → upload per provider until one succeeds. */
export async function generateSceneVideo(rawInput: SceneInput): Promise<SceneVideoResult> {
  const startedAt = Date.now();
  const raw = rawInput as Partial<SceneInput> | null;
  const metrics = new SceneMetrics();
  // Answers before the input is validated: a client may ask for progress the moment it has started the scene.
  const ledger = new SceneLedger(String(raw?.sceneId ?? ''), publishViews, metrics.observe);
  setHandler(getProgress, () => ledger.progress(), {
    description: 'Phase, provider ranking, attempts and money spent so far',
  });
  setHandler(providerProgress, (update) => ledger.providerProgress(update));
  const inbox = new TaskInbox((update) => ledger.providerProgress(update));
  setHandler(providerTaskEvent, (event) => inbox.receive(event), {
    description: "A provider's verified webhook (sent by the webhook receiver): the task's state for one attempt",
  });
  // Decided before the local activity: a marker written after it can land in a later workflow task, which a replay
  // reaches only after resolving the local activity, and then reads the patch as absent.
  const gates = new SceneGates(ledger, patched(providerGatePatch));
  const budgetIsCap = raw?.maxCostUsd !== undefined && patched(sceneBudgetCapPatch);
  const { input, setup } = await prepared(prepareScene(rawInput));
  metrics.knowCatalogue(setup.catalogue);
  ledger.identified(input, startedWith);
  const run: SceneRun = { input, setup, ledger, inbox, metrics, startedAt };
  let plan;
  try {
    plan = planProviders(input, setup.catalogue, setup.configured);
  } catch (err) {
    if (err instanceof PlanError)
      throw sceneFailure(ledger, failureTypes.notConfigured, `cannot plan providers: ${err.message}`);
    throw err;
  }
  ledger.ranked(plan.ranking);
  log.info(`Provider order: ${plan.order.map((p) => p.key).join(' → ')}`, ledger.logContext);

  const budget = new SceneBudget(input.maxCostUsd, budgetIsCap);
  for (const provider of plan.order) {
    // A cancel that met a failing attempt (its create runs to its end, and a poll may fail before the cancel reaches
    // it) ends the scene here: the next provider's create would send a task, and bill, for a scene nobody waits for.
    if (CancellationScope.current().consideredCancelled && patched(noAttemptAfterCancelPatch)) {
      ledger.sceneCancelled(patched(cancelledCostsPatch));
      throw new CancelledFailure('scene cancelled while an attempt was failing; no further provider was tried');
    }
    const skip = budget.skipReason(provider, input.durationSec, ledger.totalCostUsd);
    if (skip !== undefined) {
      ledger.skipped(provider.key, skip);
      log.info(`✗ ${provider.displayName} skipped: ${skip}`, ledger.attemptLogContext);
      continue;
    }
    // An unknown charge is counted at the worst case: for catalogues recorded before that field, the estimate.
    const worstCaseUsd = worstCaseCostUsd(provider, input.durationSec);
    // Absent from inputs prepared before throttled time was told apart: their gate wait stays unbounded.
    const queueDeadlineMs = (input.polling as { queueDeadlineMs?: number }).queueDeadlineMs;
    const askedGateAt = new Date();
    const lease = await gates.lease(run.setup, provider, queueDeadlineMs);
    if (lease.kind === 'refused') {
      ledger.skipped(provider.key, lease.reason, askedGateAt);
      log.info(`✗ ${provider.displayName} skipped: ${lease.reason}`, ledger.attemptLogContext);
      continue;
    }
    if (lease.kind === 'cancelled') {
      ledger.sceneCancelled(patched(cancelledCostsPatch));
      throw lease.cancellation;
    }
    const end = await tryProvider(run, provider, worstCaseUsd, lease.release);
    if (end.kind === 'cancelled') {
      ledger.sceneCancelled(patched(cancelledCostsPatch));
      throw end.cancellation;
    }
    if (end.kind === 'scene-failed') throw sceneFailure(ledger, end.type, end.message);
    const overrun = budget.overrun(provider.key, ledger.lastAttemptCostUsd, worstCaseUsd);
    if (overrun !== undefined) {
      ledger.budgetOverrun(overrun);
      log.warn(`${provider.displayName} ${overrun}`, ledger.attemptLogContext);
    }
    if (end.kind === 'delivered') return end.result;
  }

  if (budget.skippedForCap) {
    const spent = `$${input.maxCostUsd}, $${ledger.totalCostUsd} spent`;
    const message = `scene ${input.sceneId} stopped for budget (${spent}): ${ledger.attemptSummary()}`;
    throw sceneFailure(ledger, failureTypes.budgetExhausted, message);
  }
  const message = `every provider failed for scene ${input.sceneId}: ${ledger.attemptSummary()}`;
  throw sceneFailure(ledger, failureTypes.allProvidersFailed, message);
}

/** Marks runs whose cancelled end records its costs memo (the patch is asked only when a scene is cancelled). */
const cancelledCostsPatch = 'cancelled-scene-costs-memo';

/** Marks runs that stop after a failed attempt once cancelled; older runs replay the next provider's create. */
const noAttemptAfterCancelPatch = 'no-attempt-after-cancel';

/** The scene ends failed: its ledger says so, and the failure carries its progress. */
function sceneFailure(ledger: SceneLedger, type: string, message: string): ApplicationFailure {
  ledger.sceneFailed(message);
  log.error(message, ledger.logContext);
  return ApplicationFailure.create({ message, type, nonRetryable: true, details: [ledger.progress()] });
}

/** One provider's attempt: create and poll its task, then store the clip. */
async function tryProvider(
  run: SceneRun,
  provider: ProviderConfig,
  worstCaseUsd: number,
  releaseLease: (end: LeaseEnd) => Promise<void>,
): Promise<AttemptEnd> {
  const { input, setup, ledger } = run;
  ledger.attemptStarted(provider, worstCaseUsd);
  run.inbox.open(ledger.attemptNumber, provider.key);
  log.info(`Trying ${provider.displayName}…`, ledger.attemptLogContext);

  const generation = await generate(run, provider);
  // The task has ended (or is abandoned): the provider's slot is free, whatever the upload does.
  await releaseLease(generation);
  if (!generation.ok) {
    const taskId = ledger.taskId;
    if (taskId !== undefined && generation.outcome.kind === 'abandoned')
      generation.outcome.cancel = await cancelAbandoned(ledger, provider, taskId);
    if (generation.cancellation !== undefined) {
      ledger.attemptCancelled(generation.error, generation.outcome);
      return { kind: 'cancelled', cancellation: generation.cancellation };
    }
    ledger.attemptFailed(generation.error, generation.outcome, generation.reason);
    log.warn(`✗ ${provider.displayName} failed: ${generation.error}`, ledger.attemptLogContext);
    const { reason, error } = generation;
    const stop = moderationStop(input, { provider: provider.key, reason, error });
    if (stop !== undefined) return { kind: 'scene-failed', type: failureTypes.contentRefused, message: stop };
    return { kind: 'failed' };
  }

  const costUsd = ledger.uploading(generation.snapshot.costUsd);
  const stored = await storeClip(
    {
      provider: provider.key,
      taskId: ledger.taskId!,
      videoUrl: generation.videoUrl,
      sceneId: input.sceneId,
      projectId: input.projectId,
      sceneType: input.sceneType,
      model: provider.model,
      requestedDurationSec: input.durationSec,
      durationSec: generation.durationSec,
      costUsd,
      promptSha256: sha256Hex(input.prompt),
    },
    setup.storageFailureMode,
  );
  if (!stored.ok) {
    ledger.uploadFailed(stored.error);
    if (stored.failsScene)
      return { kind: 'scene-failed', type: failureTypes.storageUnavailable, message: stored.error };
    log.warn(`✗ ${provider.displayName} failed: ${stored.error}`, ledger.attemptLogContext);
    // A cancel that arrived while the upload ran (which it let finish) ends the scene here, its cost recorded.
    if (stored.cancelRequested)
      return {
        kind: 'cancelled',
        cancellation: new CancelledFailure('scene cancelled; the clip generated before the cancel could not be stored'),
      };
    return { kind: 'failed' };
  }

  const clip = { provider: provider.key, ...stored.clip, durationSec: generation.durationSec };
  const result = ledger.delivered(clip, Date.now() - run.startedAt);
  if (result.stored) log.info(`✓ Success with ${provider.displayName}`, ledger.attemptLogContext);
  else
    log.warn(
      `${provider.displayName} generated the clip but it is not stored: ${result.warning}`,
      ledger.attemptLogContext,
    );
  return { kind: 'delivered', result };
}

/**
 * Nobody will wait for an abandoned task: stop it before it renders, and bills, for nothing, where its model can (the
 * activity decides). Undefined in runs recorded before the activity answered.
 */
async function cancelAbandoned(
  ledger: SceneLedger,
  provider: ProviderConfig,
  taskId: string,
): Promise<CancelTaskOutput | undefined> {
  return CancellationScope.nonCancellable(() =>
    cancelTask({ provider: provider.key, route: provider.route, model: provider.model, taskId }).catch(
      (cancelErr: unknown) => {
        log.warn(`could not cancel ${provider.key} task ${taskId}`, {
          ...ledger.attemptLogContext,
          error: String(cancelErr),
        });
        // The task was not cancelled: it renders on and may bill. Runs that failed a cancel before this billed it by
        // its last state, and replay must count the same.
        if (!patched(failedCancelBillsPatch)) return undefined;
        return { sent: false, reason: `the cancel failed: ${describeFailure(cancelErr)}` };
      },
    ),
  );
}

const failedCancelBillsPatch = 'failed-cancel-bills-worst-case';

/** Marks runs that poll a task without a webhook through activity retries (checkTask) rather than in one activity. */
const pollThroughRetriesPatch = 'poll-through-retries';

type Generation =
  | ({ ok: true; durationSec: number } & PollStatusOutput)
  | ({ ok: false; error: string; cancellation?: unknown; code?: string } & AttemptFailure);

/** Creates the provider's task and polls it to its end, within the provider's deadline. */
async function generate({ input, ledger, inbox, metrics }: SceneRun, provider: ProviderConfig): Promise<Generation> {
  const attemptStartedAt = Date.now();
  let created;
  try {
    // Never abandoned halfway: a create in flight when a cancel hits must still report its task id, or the task would
    // run (and bill) with nobody able to cancel it.
    created = await CancellationScope.nonCancellable(() =>
      createTask({
        provider: provider.key,
        model: { route: provider.route, model: provider.model, taskType: provider.taskType, options: provider.options },
        allowedDurationsSec: provider.allowedDurationsSec,
        prompt: input.prompt,
        negativePrompt: input.negativePrompt,
        durationSec: input.durationSec,
        aspectRatio: input.aspectRatio,
        imageUrl: input.imageUrl,
        attempt: ledger.attemptNumber,
      }),
    );
  } catch (err) {
    return { ok: false, error: describeFailure(err), ...createFailure(err), code: failureDetails(err)?.code };
  }
  ledger.taskCreated(created.taskId, created.durationSec);
  const deadlinePassed: Generation = {
    ok: false,
    error: `no result within ${input.polling.providerDeadlineMs} ms`,
    outcome: { kind: 'abandoned' },
    reason: 'deadline',
  };
  const remainingMs = input.polling.providerDeadlineMs - (Date.now() - attemptStartedAt);
  if (remainingMs <= 0) return deadlinePassed;
  // Absent from inputs prepared before throttled time was told apart: those keep one deadline for both.
  const queueDeadlineMs = (input.polling as { queueDeadlineMs?: number }).queueDeadlineMs;
  try {
    const task = {
      provider: provider.key,
      route: provider.route,
      taskId: created.taskId,
      ...(queueDeadlineMs === undefined ? {} : { deadlines: { renderMs: remainingMs, queueMs: queueDeadlineMs } }),
    };
    const limitMs = remainingMs + (queueDeadlineMs ?? 0);
    if (created.webhook) {
      const waitingSince = Date.now();
      // The backstop's looks enforce the render deadline too, as a poll's do: the timeout alone allows the queue's.
      const heard = await notifiedOrPolled(inbox, { ...task, intervalMs: created.webhook.backstopMs }, limitMs);
      if ('polls' in heard) return { ok: true, ...heard, durationSec: created.durationSec };
      metrics.taskEnded(provider.key, heard, Date.now() - waitingSince);
      const verdict = taskVerdict(provider.key, heard)!;
      if (verdict.ok)
        return { ok: true, snapshot: heard, videoUrl: verdict.videoUrl, polls: 0, durationSec: created.durationSec };
      return { ok: false, error: `${verdict.type}: ${verdict.message}`, ...taskEndedFailure(verdict.details) };
    }
    // Since B9: looks through activity retries, holding no slot while the task renders; older runs replay their poll.
    const pollStatus = patched(pollThroughRetriesPatch) ? checkTaskWithin(limitMs) : pollStatusWithin(input, limitMs);
    const done = await pollStatus({ ...task, intervalMs: input.polling.intervalMs });
    if (done.throttledMs) ledger.throttled(done.throttledMs);
    return { ok: true, ...done, durationSec: created.durationSec };
  } catch (err) {
    const throttledMs = throttledMsOf(err);
    if (throttledMs) ledger.throttled(throttledMs);
    const error = describeFailure(err);
    if (isCancellation(err))
      return { ok: false, error, outcome: { kind: 'abandoned' }, reason: 'cancelled', cancellation: err };
    if (missedDeadline(err)) {
      if (queueDeadlineMs === undefined) return deadlinePassed;
      // The server's timeout, which allows the render and the queue deadline together: the poll could not check them
      // apart (its GETs kept failing, or its workers were lost), so the message names both.
      const limitMs = remainingMs + queueDeadlineMs;
      const error = `no result within ${limitMs} ms of polling (${remainingMs} ms left of polling.providerDeadlineMs plus polling.queueDeadlineMs)`;
      return { ...deadlinePassed, error };
    }
    return { ok: false, error, ...pollFailure(err) };
  }
}

/**
 * Waits for the task's webhook while a backstop checks the provider every `intervalMs` (polling through activity
 * retries): neither holds an activity slot while the task renders. Whichever learns the end first wins and the other is
 * stopped; a poll failure or the deadline (the backstop's schedule-to-close timeout) ends the wait as a poll's would.
 */
async function notifiedOrPolled(
  inbox: TaskInbox,
  task: PollStatusInput,
  limitMs: number,
): Promise<PollStatusOutput | ProviderTaskSnapshot> {
  const backstop = new CancellationScope();
  const listening = new CancellationScope();
  const polled = backstop.run(() => checkTaskWithin(limitMs)(task));
  const heard = listening.run(async () => {
    await condition(() => inbox.endOf(task.taskId) !== undefined);
    return inbox.endOf(task.taskId)!;
  });
  try {
    return await Promise.race([polled, heard]);
  } finally {
    backstop.cancel();
    listening.cancel();
    // Settled by the cancels above; what they reject with is not news.
    polled.catch(() => undefined);
    heard.catch(() => undefined);
  }
}
