import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  TimeoutFailure,
  upsertMemo,
} from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { SceneActivities } from '../activities';
import type {
  AttemptFailureDetails,
  CreateTaskOutput,
  PollStatusOutput,
  ProviderSetup,
  UploadToS3Input,
  UploadToS3Output,
} from '../contract/activities';
import type { ProviderConfig } from '../contract/catalogue';
import { estimateCostUsd, worstCaseCostUsd } from '../domain/pricing';
import { attemptSkipReason, overrunNote, sceneBudgetCapPatch } from '../domain/budget';
import {
  failureTypes,
  getProgress,
  providerProgress,
  resultPhase,
  type AttemptProgress,
  type SceneVideoResult,
} from '../contract/scene-workflow';
import { prepared } from './prepared';
import { planProviders, PlanError } from '../domain/planning';
import { SceneAttributes } from './scene-attributes';
import type { SceneInput, ValidSceneInput } from '../contract/scene-input';
import { SceneState } from './scene-state';
import { billedCostUsd, type AttemptOutcome } from '../domain/billing';
import { searchAttributes } from '../contract/search-attributes';

const nonRetryableTypes = Object.values(failureTypes);

// Local: validation and the worker's own configuration need no trip through the server. The answer is still recorded
// (as a marker), so a replay on a differently configured worker plans the same providers.
const { prepareScene } = proxyLocalActivities<SceneActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});
// Retries here only recover a lost worker; see createTask for why a create is never blindly re-sent. The heartbeat
// timeout notices a lost worker in seconds; createTask fits its own safe retries inside the start-to-close timeout.
const { createTask } = proxyActivities<SceneActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3, nonRetryableErrorTypes: nonRetryableTypes },
});
const { cancelTask } = proxyActivities<SceneActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});
// Long enough to ride out a storage outage of about a minute; each attempt overwrites the same deterministic key.
// uploadToS3 heartbeats every 5 s whatever the throughput, so silence for 30 s means its worker is gone.
const { uploadToS3 } = proxyActivities<SceneActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '20 seconds',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [failureTypes.unsafeUrl],
  },
});

/**
 * The provider's deadline is the poll's schedule-to-close timeout: the server enforces it, across worker crashes and
 * retries, without a workflow timer (two more events and a timer task per attempt).
 */
function pollActivity(input: ValidSceneInput, remainingMs: number) {
  return proxyActivities<SceneActivities>({
    scheduleToCloseTimeout: remainingMs,
    // The worker sends at most one heartbeat per 10 s (its throttle): 30 s of silence means the worker is gone, with
    // room for a busy event loop. The retry resumes the same remote task.
    heartbeatTimeout: Math.max(3 * input.polling.intervalMs, 30_000),
    retry: { initialInterval: '1 second', maximumAttempts: 20, nonRetryableErrorTypes: nonRetryableTypes },
  }).pollStatus;
}

/** One scene's run: what every step needs, passed as one. */
interface SceneRun {
  input: ValidSceneInput;
  setup: ProviderSetup;
  state: SceneState;
  attributes: SceneAttributes;
  startedAt: number;
}

class AttemptFailed extends Error {
  constructor(
    message: string,
    readonly outcome: AttemptOutcome,
  ) {
    super(message);
  }
}

/** Turns one scene into a stored clip: rank providers, then create → poll → upload per provider until one succeeds. */
export async function generateSceneVideo(rawInput: SceneInput): Promise<SceneVideoResult> {
  const startedAt = Date.now();
  // Answers before the input is validated: a client may ask for progress the moment it has started the scene.
  const state = new SceneState(String((rawInput as Partial<SceneInput> | null)?.sceneId ?? ''));
  setHandler(getProgress, () => state.snapshot(), {
    description: 'Phase, provider ranking, attempts and money spent so far',
  });
  setHandler(providerProgress, (update) => state.applyProgress(update));
  // Decided before the local activity: a marker written after it can land in a later workflow task, which a replay
  // reaches only after resolving the local activity, and then reads the patch as absent. The budget holds against what is billed: each attempt must fit at its worst case, and an unknown charge counts at
  // its worst case. Runs started before this check replay the estimate-based one below.
  const budgetIsCap =
    (rawInput as Partial<SceneInput> | null)?.maxCostUsd !== undefined && patched(sceneBudgetCapPatch);
  const { input, setup } = await prepared(prepareScene(rawInput));
  state.sceneId = input.sceneId;
  state.projectId = input.projectId;
  const attributes = new SceneAttributes(input);
  const run: SceneRun = { input, setup, state, attributes, startedAt };
  let plan;
  try {
    plan = planProviders(input, setup.catalogue, setup.configured);
  } catch (err) {
    if (err instanceof PlanError)
      return finishFailed(run, failureTypes.notConfigured, `cannot plan providers: ${err.message}`);
    throw err;
  }
  state.ranking = plan.ranking;
  log.info(`Provider order: ${plan.order.map((p) => p.key).join(' → ')}`);

  if (input.maxCostUsd !== undefined && budgetIsCap) return tryWithinBudget(run, plan.order);
  for (const provider of plan.order) {
    const estimate = estimateCostUsd(provider, input.durationSec);
    if (input.maxCostUsd !== undefined && state.totalCostUsd + estimate > input.maxCostUsd) {
      const reason = `estimated $${estimate.toFixed(4)} would exceed the budget ($${input.maxCostUsd} with $${state.totalCostUsd} spent)`;
      state.skip(provider.key, reason);
      log.info(`✗ ${provider.displayName} skipped: ${reason}`);
      continue;
    }
    // An unknown charge is counted at the worst case: for catalogues recorded before that field, the estimate.
    const result = await tryProvider(run, provider, worstCaseCostUsd(provider, input.durationSec));
    if (result) return result;
  }

  return everyProviderFailed(run);
}

function attemptReasons(state: SceneState): string {
  return state.attempts.map((a, i) => `${i + 1}. ${a.provider}: ${a.error ?? a.state}`).join('; ');
}

function everyProviderFailed(run: SceneRun): never {
  const message = `every provider failed for scene ${run.input.sceneId}: ${attemptReasons(run.state)}`;
  return finishFailed(run, failureTypes.allProvidersFailed, message);
}

/** Skips with the reason any provider whose worst case does not fit; stops after a charge above the worst case. */
async function tryWithinBudget(run: SceneRun, order: ProviderConfig[]): Promise<SceneVideoResult> {
  const { input, state } = run;
  const maxCostUsd = input.maxCostUsd!;
  let stopped: string | undefined;
  for (const provider of order) {
    const worstCase = worstCaseCostUsd(provider, input.durationSec);
    const reason = stopped ?? attemptSkipReason(worstCase, state.totalCostUsd, maxCostUsd);
    if (reason !== undefined) {
      state.skip(provider.key, reason);
      log.info(`✗ ${provider.displayName} skipped: ${reason}`);
      continue;
    }
    const result = await tryProvider(run, provider, worstCase);
    const attempt = state.attempts[state.attempts.length - 1]!;
    const overrun = overrunNote(attempt.costUsd, worstCase);
    if (overrun !== undefined) {
      attempt.budgetNote = overrun;
      log.warn(`${provider.displayName} ${overrun}`);
      stopped = `budget: not tried, the scene stopped after ${provider.key} ${overrun.replace(/^budget: /, '')}`;
    }
    if (result) return result;
  }
  const forBudget = state.attempts.some((a) => a.state === 'skipped' && a.error?.startsWith('budget:'));
  if (!forBudget) return everyProviderFailed(run);
  const message = `scene ${input.sceneId} stopped for budget ($${maxCostUsd}, $${state.totalCostUsd} spent): ${attemptReasons(state)}`;
  return finishFailed(run, failureTypes.budgetExhausted, message);
}

async function tryProvider(
  run: SceneRun,
  provider: ProviderConfig,
  worstCaseUsd: number,
): Promise<SceneVideoResult | undefined> {
  const { input, state, attributes } = run;
  log.info(`Trying ${provider.displayName}…`);
  const attempt = state.startAttempt(provider.key);
  attributes.set(
    { key: searchAttributes.videoProvider, value: provider.key },
    { key: searchAttributes.videoStatus, value: 'generating' },
  );

  let generated: PollStatusOutput & { durationSec: number };
  try {
    generated = await generate(input, provider, attempt, worstCaseUsd);
  } catch (err) {
    const workflowCancelled = isCancellation(err);
    const outcome: AttemptOutcome =
      err instanceof AttemptFailed ? err.outcome : attempt.taskId ? { kind: 'abandoned' } : { kind: 'not-created' };
    // Nobody will wait for an abandoned task: stop it before it renders, and bills, for nothing.
    if (attempt.taskId !== undefined && outcome.kind === 'abandoned') {
      const taskId = attempt.taskId;
      await CancellationScope.nonCancellable(() =>
        cancelTask({ provider: provider.key, route: provider.route, taskId }).catch((cancelErr: unknown) =>
          log.warn(`could not cancel ${provider.key} task ${taskId}`, { error: String(cancelErr) }),
        ),
      );
    }
    const error = describeFailure(err);
    state.endAttempt(attempt, {
      state: workflowCancelled ? 'cancelled' : 'failed',
      error,
      costUsd: billedCostUsd(provider.billing, worstCaseUsd, outcome, attempt.state),
    });
    if (workflowCancelled) {
      state.phase = 'cancelled';
      attributes.set(
        { key: searchAttributes.videoStatus, value: 'cancelled' },
        { key: searchAttributes.costUsd, value: state.totalCostUsd },
      );
      throw err;
    }
    log.warn(`✗ ${provider.displayName} failed: ${error}`);
    return undefined;
  }

  const cost = billedCostUsd(provider.billing, worstCaseUsd, {
    kind: 'succeeded',
    reportedCostUsd: generated.snapshot.costUsd,
  });
  attempt.costUsd = cost;
  attempt.state = 'uploading';
  state.phase = 'uploading';
  attributes.set({ key: searchAttributes.videoStatus, value: 'uploading' });
  const stored = await store(run, provider, attempt, generated.videoUrl);
  if (!stored.ok) {
    state.endAttempt(attempt, { state: 'failed', error: stored.error });
    log.warn(`✗ ${provider.displayName} failed: ${stored.error}`);
    // A cancel that arrived while the upload ran (which it let finish) ends the scene here, its cost recorded.
    if (stored.cancelRequested) finishCancelled(run);
    return undefined;
  }

  const outcome = resultPhase({ stored: stored.upload !== undefined });
  state.endAttempt(attempt, { state: outcome === 'succeeded' ? 'succeeded' : 'unstored', progress: 1 });
  const result: SceneVideoResult = {
    sceneId: input.sceneId,
    projectId: input.projectId,
    provider: provider.key,
    s3Key: stored.upload?.s3Key,
    s3Url: stored.upload?.s3Url,
    bytes: stored.upload?.bytes,
    // The URL the upload read (a fresh one when the task's had expired), not one known to be dead.
    providerVideoUrl: stored.videoUrl ?? generated.videoUrl,
    stored: stored.upload !== undefined,
    warning: stored.warning,
    ...(stored.cancelRequested
      ? {
          cancelNote: 'cancel requested after the provider delivered (and billed) the clip: it was kept, not discarded',
        }
      : {}),
    durationSec: generated.durationSec,
    totalCostUsd: state.totalCostUsd,
    costByProvider: state.costByProvider,
    attempts: state.attempts,
    generationTimeMs: Date.now() - run.startedAt,
  };
  state.result = result;
  state.phase = outcome;
  if (outcome === 'succeeded') log.info(`✓ Success with ${provider.displayName}`);
  else log.warn(`${provider.displayName} generated the clip but it is not stored: ${stored.warning}`);
  attributes.set(
    { key: searchAttributes.videoStatus, value: outcome },
    { key: searchAttributes.costUsd, value: result.totalCostUsd },
  );
  upsertMemo({
    result: {
      provider: result.provider,
      s3Key: result.s3Key,
      stored: result.stored,
      totalCostUsd: result.totalCostUsd,
      attempts: state.attempts.length,
    },
  });
  return result;
}

async function generate(
  input: ValidSceneInput,
  provider: ProviderConfig,
  attempt: AttemptProgress,
  worstCaseUsd: number,
): Promise<PollStatusOutput & { durationSec: number }> {
  const attemptStartedAt = Date.now();
  let created: CreateTaskOutput;
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
      }),
    );
  } catch (err) {
    const ambiguous = failureType(err) === failureTypes.ambiguousCreate;
    throw new AttemptFailed(describeFailure(err), { kind: ambiguous ? 'ambiguous' : 'not-created' });
  }
  attempt.taskId = created.taskId;
  attempt.state = 'queued';
  // From here the provider holds the money for this task (PiAPI freezes it at submission).
  attempt.costUsd = worstCaseUsd;
  const deadlinePassed = new AttemptFailed(
    `no result within ${input.polling.providerDeadlineMs} ms; remote task cancelled`,
    { kind: 'abandoned' },
  );
  const remainingMs = input.polling.providerDeadlineMs - (Date.now() - attemptStartedAt);
  if (remainingMs <= 0) throw deadlinePassed;
  try {
    const done = await pollActivity(
      input,
      remainingMs,
    )({
      provider: provider.key,
      route: provider.route,
      taskId: created.taskId,
      intervalMs: input.polling.intervalMs,
    });
    return { ...done, durationSec: created.durationSec };
  } catch (err) {
    if (isCancellation(err)) throw err;
    if (missedDeadline(err)) throw deadlinePassed;
    // Only a failure the provider reported ends its task; when polling gave up, the task may still be rendering.
    const ended = providerEndedTask.has(failureType(err) ?? '');
    if (!ended) throw new AttemptFailed(describeFailure(err), { kind: 'abandoned' });
    const details = failureDetails(err);
    throw new AttemptFailed(describeFailure(err), {
      kind: 'task-failed',
      contentPolicy: details?.contentPolicy ?? false,
      reportedCostUsd: details?.costUsd,
    });
  }
}

type StoreOutcome = (
  | { ok: true; upload?: { s3Key: string; s3Url: string; bytes: number }; warning?: string; videoUrl?: string }
  | { ok: false; error: string }
) & { cancelRequested?: boolean };

/** Marks runs whose upload a workflow cancel no longer interrupts (older runs replay the cancellable upload). */
export const uploadSurvivesCancelPatch = 'upload-survives-cancel';

/**
 * Once the provider has delivered the clip it is paid for, so a cancel does not throw it away: the upload runs to its
 * end and the scene records its result and cost. Before this patch a cancel cut the upload off on the workflow side
 * only (the activity learnt of it at its next heartbeat, if at all), leaving an object stored by a CANCELLED run with
 * no cost. The patch marker is written only when a cancel actually meets an upload, so other runs' histories keep
 * their length; a run that was cancelled during its upload under the old code replays the old commands.
 */
async function uploadToS3SurvivingCancel(input: UploadToS3Input): Promise<UploadToS3Output> {
  const outer = CancellationScope.current();
  // Old code: an upload asked for after the cancel is never scheduled (it rejects at once).
  if (outer.consideredCancelled && !patched(uploadSurvivesCancelPatch)) return uploadToS3(input);
  let uploading = true;
  return CancellationScope.nonCancellable(async () => {
    const inner = new CancellationScope();
    outer.cancelRequested.catch(() => {
      // Old code: the cancel reached the upload (RequestCancelActivityTask) and the scene ended cancelled at once.
      if (uploading && !patched(uploadSurvivesCancelPatch)) inner.cancel();
    });
    try {
      return await inner.run(() => uploadToS3(input));
    } finally {
      uploading = false;
    }
  });
}

async function store(
  run: SceneRun,
  provider: ProviderConfig,
  attempt: AttemptProgress,
  videoUrl: string,
): Promise<StoreOutcome> {
  const { input } = run;
  const cancelRequested = () => CancellationScope.current().consideredCancelled;
  try {
    const upload = await uploadToS3SurvivingCancel({
      provider: provider.key,
      taskId: attempt.taskId!,
      videoUrl,
      sceneId: input.sceneId,
      projectId: input.projectId,
      sceneType: input.sceneType,
    });
    return { ok: true, upload, videoUrl: upload.videoUrl, cancelRequested: cancelRequested() };
  } catch (err) {
    if (isCancellation(err)) throw err;
    if (failureType(err) !== failureTypes.storageUnavailable)
      return { ok: false, error: describeFailure(err), cancelRequested: cancelRequested() };
    const unavailable = `S3 storage unavailable after retries (${describeFailure(err)})`;
    if (run.setup.storageFailureMode === 'fail') {
      const message = `${unavailable}; the clip was generated (and paid for) but not stored`;
      run.state.endAttempt(attempt, { state: 'failed', error: message });
      return finishFailed(run, failureTypes.storageUnavailable, message);
    }
    const warning = `generated but not stored: ${unavailable}; only the provider URL holds the clip, and it expires: download it now`;
    log.warn(warning);
    return { ok: true, warning, videoUrl: failureDetails(err)?.videoUrl, cancelRequested: cancelRequested() };
  }
}

/** Ends a scene whose cancel waited for its upload: cancelled, with every attempt's cost recorded. */
function finishCancelled({ state, attributes }: SceneRun): never {
  state.phase = 'cancelled';
  attributes.set(
    { key: searchAttributes.videoStatus, value: 'cancelled' },
    { key: searchAttributes.costUsd, value: state.totalCostUsd },
  );
  throw new CancelledFailure('scene cancelled; the clip generated before the cancel could not be stored');
}

function finishFailed({ state, attributes }: SceneRun, type: string, message: string): never {
  state.phase = 'failed';
  attributes.set(
    { key: searchAttributes.videoStatus, value: 'failed' },
    { key: searchAttributes.costUsd, value: state.totalCostUsd },
  );
  upsertMemo({ failure: { message, totalCostUsd: state.totalCostUsd, attempts: state.attempts.length } });
  log.error(message);
  throw ApplicationFailure.create({ message, type, nonRetryable: true, details: [state.snapshot()] });
}

const providerEndedTask = new Set<string>([
  failureTypes.taskFailed,
  failureTypes.contentPolicy,
  failureTypes.taskCancelled,
]);

/** The poll's schedule-to-close timeout fired, or a retry would have gone past it. */
function missedDeadline(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  const timedOut = err.cause instanceof TimeoutFailure && err.cause.timeoutType === 'SCHEDULE_TO_CLOSE';
  return timedOut || err.retryState === RetryState.TIMEOUT;
}

function failureType(err: unknown): string | undefined {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure
    ? (err.cause.type ?? undefined)
    : undefined;
}

function failureDetails(err: unknown): AttemptFailureDetails | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.details?.[0] as AttemptFailureDetails | undefined) : undefined;
}

function describeFailure(err: unknown): string {
  if (err instanceof AttemptFailed) return err.message;
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
    if (cause) return `${cause.name}: ${cause.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
