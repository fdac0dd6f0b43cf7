import type { SearchAttributePair, SearchAttributeUpdatePair } from '@temporalio/common';
import type { BillingRule, ProviderConfig } from '../contract/catalogue';
import {
  resultPhase,
  type AttemptProgress,
  type ProviderCosts,
  type ProviderProgressUpdate,
  type ProviderRanking,
  type SceneProgress,
  type ScenePhase,
  type SceneVideoResult,
  type SlotWait,
} from '../contract/scene-workflow';
import type { AttemptOutcomeLabel, AttemptReason } from '../contract/metrics';
import { sceneStartAttributes, searchAttributes } from '../contract/search-attributes';
import { billedCostUsd, type AttemptOutcome } from './billing';
import { estimateCostUsd, roundUsd } from './pricing';

/** How an attempt whose abandoned task was not cancelled is shown, wherever attempts are. */
const notCancelledLabel = 'cannot be cancelled; may still bill';

/** What the workflow must publish after a transition: its search attributes (and memo) as one upsert each. */
export interface SceneViews {
  searchAttributes: SearchAttributeUpdatePair[];
  memo?: Record<string, unknown>;
}

/**
 * What the ledger tells its observer, the pipeline metrics (src/workflows/scene-metrics.ts): each attempt's end, each
 * move to the next provider after a failure, the scene's end. Only bounded values: providers, scene types, classes.
 */
export type SceneEvent =
  | {
      kind: 'attempt-ended';
      provider: string;
      sceneType: string;
      outcome: AttemptOutcomeLabel;
      reason: AttemptReason;
      costUsd: number;
      /** Absent for attempts started by runs from before estimates were recorded. */
      estimateUsd?: number;
    }
  | { kind: 'fell-back'; from: string; to: string; reason: AttemptReason }
  | { kind: 'scene-ended'; sceneType: string; outcome: AttemptOutcomeLabel };

/** What the scene's result holds besides the ledger's own figures. */
export type DeliveredClip = Omit<
  SceneVideoResult,
  'sceneId' | 'projectId' | 'requestedDurationSec' | 'totalCostUsd' | 'costByProvider' | 'attempts' | 'generationTimeMs'
>;

/**
 * A scene's log fields (README "Logs"): `attempt` counts from 1 over the scene's attempts, skipped ones included. A
 * type rather than an interface, which the SDK's `log` (it takes a Record) would refuse.
 */
export type SceneLogContext = { sceneId: string; projectId?: string; provider?: string; attempt?: number };

/**
 * One scene's account of itself, kept in three views that must agree: the progress the getProgress query returns, the
 * search attributes the Web UI lists, and the memo `describe` shows. Each transition changes all three at once and
 * hands the views that changed to `publish`. Pure: the workflow publishes the views, a test records them.
 */
export class SceneLedger {
  private phase: ScenePhase = 'ranking';
  private ranking: ProviderRanking[] = [];
  private readonly attempts: AttemptProgress[] = [];
  private result?: SceneVideoResult;
  private projectId?: string;
  private sceneType?: string;
  private requestedDurationSec?: number;
  /** The last attempt failed and the scene has not ended: the next attempt is a fallback from it. */
  private fallingBackFrom?: { provider: string; reason: AttemptReason };
  /** How the attempt in flight is billed when it ends. */
  private charge?: { rule: BillingRule; worstCaseUsd: number };
  /**
   * Start attributes the starter left out. Each upsert is a history event and a visibility write, so they ride along
   * with the first status change instead of costing one of their own.
   */
  private unsetStartAttributes: SearchAttributePair[] = [];
  /** The scene waits for a lease at a provider's gate (src/workflows/scene-gates.ts). */
  private slotWait?: SlotWait;

  /** `sceneId` as the raw input gives it: a client may ask for progress before the input is validated. */
  constructor(
    private sceneId: string,
    private readonly publish: (views: SceneViews) => void,
    private readonly observe: (event: SceneEvent) => void = () => {},
  ) {}

  identified(
    scene: { sceneId: string; sceneType: string; projectId?: string; durationSec: number },
    startedWith: (pair: SearchAttributePair) => boolean,
  ): void {
    this.sceneId = scene.sceneId;
    this.projectId = scene.projectId;
    this.sceneType = scene.sceneType;
    this.requestedDurationSec = scene.durationSec;
    this.unsetStartAttributes = sceneStartAttributes(scene).filter((pair) => !startedWith(pair));
  }

  ranked(ranking: ProviderRanking[]): void {
    this.ranking = ranking;
  }

  /** `since`: when the scene asked the provider's gate, so a skip after a wait at it shows how long it waited. */
  skipped(provider: string, reason: string, since?: Date): void {
    const now = new Date().toISOString();
    const startedAt = since?.toISOString() ?? now;
    this.attempts.push({ provider, state: 'skipped', startedAt, endedAt: now, error: reason, costUsd: 0 });
  }

  attemptStarted(
    provider: Pick<ProviderConfig, 'key' | 'billing' | 'costPerSecondUsd' | 'allowedDurationsSec'>,
    worstCaseUsd: number,
  ): void {
    const from = this.fallingBackFrom;
    if (from) this.observe({ kind: 'fell-back', from: from.provider, to: provider.key, reason: from.reason });
    this.attempts.push({
      provider: provider.key,
      state: 'creating',
      startedAt: new Date().toISOString(),
      costUsd: 0,
      estimateUsd: estimateCostUsd(provider, this.requestedDurationSec!),
    });
    this.charge = { rule: provider.billing, worstCaseUsd };
    this.phase = 'generating';
    this.publishStatus('generating', { key: searchAttributes.videoProvider, value: provider.key });
  }

  /** `durationSec`: what the task renders, the requested length fitted to the model's durations. */
  taskCreated(taskId: string, durationSec: number): void {
    const attempt = this.current!;
    attempt.taskId = taskId;
    attempt.requestedDurationSec = this.requestedDurationSec;
    attempt.durationSec = durationSec;
    attempt.state = 'queued';
    // From here the provider holds the money for this task (PiAPI freezes it at submission).
    attempt.costUsd = this.charge!.worstCaseUsd;
  }

  /** The task of the attempt in flight, once created. */
  get taskId(): string | undefined {
    return this.current?.taskId;
  }

  providerProgress(update: ProviderProgressUpdate): void {
    const attempt = this.current;
    if (!attempt || attempt.taskId !== update.taskId || attempt.state === 'uploading') return;
    attempt.state = update.state;
    if (update.progress !== undefined) attempt.progress = update.progress;
  }

  /** The scene asks the provider's gate for a lease; `slotQueued` says where it stands, `slotSettled` ends the wait. */
  slotRequested(provider: string, displayName: string): void {
    this.slotWait = { provider, displayName, since: new Date().toISOString() };
  }

  slotQueued(ahead: number): void {
    if (this.slotWait) this.slotWait.ahead = ahead;
  }

  slotSettled(): void {
    this.slotWait = undefined;
  }

  /** The last attempt's task waited behind the provider account's concurrency limit. */
  get lastAttemptThrottled(): boolean {
    return (this.attempts[this.attempts.length - 1]?.throttledMs ?? 0) > 0;
  }

  /** The attempt's task waited this long behind the provider account's concurrency limit. */
  throttled(ms: number): void {
    this.current!.throttledMs = ms;
  }

  /** The attempt ended before a clip, billed for how far its task got; `reason` classes why, for the metrics. */
  attemptFailed(error: string, outcome: AttemptOutcome, reason: AttemptReason): void {
    this.endBilled('failed', reason, error, outcome);
  }

  /** The scene was cancelled while its attempt was generating; the scene itself ends with `sceneCancelled`. */
  attemptCancelled(error: string, outcome: AttemptOutcome): void {
    this.endBilled('cancelled', 'cancelled', error, outcome);
  }

  /** The attempt delivered its clip, which is now being stored; returns what the attempt is billed (USD). */
  uploading(reportedCostUsd: number | undefined): number {
    const attempt = this.current!;
    attempt.costUsd = this.bill({ kind: 'succeeded', reportedCostUsd });
    attempt.state = 'uploading';
    this.phase = 'uploading';
    this.publishStatus('uploading');
    return attempt.costUsd;
  }

  /** The clip was delivered (and paid for) but the upload failed: the attempt keeps its cost. */
  uploadFailed(error: string): void {
    this.end('failed', 'upload_failed', { error });
  }

  /** The scene ends with its clip: `succeeded` when stored, `unstored` when only the provider's URL holds it. */
  delivered(clip: DeliveredClip, generationTimeMs: number): SceneVideoResult {
    const phase = resultPhase(clip);
    this.end(phase, phase === 'succeeded' ? 'succeeded' : 'upload_failed', { progress: 1 });
    const result: SceneVideoResult = {
      sceneId: this.sceneId,
      projectId: this.projectId,
      ...clip,
      requestedDurationSec: this.requestedDurationSec,
      totalCostUsd: this.totalCostUsd,
      costByProvider: this.costByProvider,
      attempts: this.attempts,
      generationTimeMs,
    };
    this.result = result;
    this.phase = phase;
    this.sceneEnded(phase);
    this.publish({
      searchAttributes: this.withUnsetStartAttributes([
        { key: searchAttributes.videoStatus, value: phase },
        { key: searchAttributes.costUsd, value: result.totalCostUsd },
      ]),
      memo: {
        result: {
          provider: result.provider,
          s3Key: result.s3Key,
          stored: result.stored,
          totalCostUsd: result.totalCostUsd,
          attempts: this.attempts.length,
        },
        costs: this.costs,
      },
    });
    return result;
  }

  /** The last attempt billed more than the worst case reserved for it. */
  budgetOverrun(note: string): void {
    this.attempts[this.attempts.length - 1]!.budgetNote = note;
  }

  sceneFailed(message: string): void {
    this.phase = 'failed';
    this.sceneEnded('failed');
    this.publish({
      searchAttributes: this.withUnsetStartAttributes(this.finalStatus('failed')),
      memo: {
        failure: { message, totalCostUsd: this.totalCostUsd, attempts: this.attempts.length },
        costs: this.costs,
      },
    });
  }

  /**
   * `withCosts`: the memo credits each charge to its own provider, as a failed scene's does; false in runs recorded
   * before, whose replay must issue the same commands (their CostUsd then goes on the last provider).
   */
  sceneCancelled(withCosts: boolean): void {
    this.phase = 'cancelled';
    this.sceneEnded('cancelled');
    this.publish({
      searchAttributes: this.withUnsetStartAttributes(this.finalStatus('cancelled')),
      ...(withCosts && { memo: { costs: this.costs } }),
    });
  }

  get lastAttemptCostUsd(): number {
    return this.attempts[this.attempts.length - 1]?.costUsd ?? 0;
  }

  /** Every attempt's provider and how it ended, numbered: the reasons a failed scene gives. */
  attemptSummary(): string {
    return this.attempts.map((a, i) => `${i + 1}. ${a.provider}: ${a.error ?? a.state}`).join('; ');
  }

  /** The latest attempt's number as `attemptSummary` gives it, from 1 (skipped providers count). */
  get attemptNumber(): number {
    return this.attempts.length;
  }

  /** What the scene's log lines carry, so a log pipeline finds them: its ids. */
  get logContext(): SceneLogContext {
    return { sceneId: this.sceneId, ...(this.projectId === undefined ? {} : { projectId: this.projectId }) };
  }

  /** ...and, for a line about the latest attempt, its provider and its number as `attemptSummary` gives it. */
  get attemptLogContext(): SceneLogContext {
    const attempt = this.attemptNumber;
    return { ...this.logContext, provider: this.attempts[attempt - 1]?.provider, attempt };
  }

  get costByProvider(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const a of this.attempts) {
      if (a.costUsd > 0) totals[a.provider] = roundUsd((totals[a.provider] ?? 0) + a.costUsd);
    }
    return totals;
  }

  /** What each billed provider charged and what the catalogue estimated for those attempts: `scene-video cost`'s. */
  private get costs(): ProviderCosts {
    const costs: ProviderCosts = {};
    for (const a of this.attempts) {
      if (a.costUsd <= 0) continue;
      const c = (costs[a.provider] ??= { billedUsd: 0, estimateUsd: 0 });
      c.billedUsd = roundUsd(c.billedUsd + a.costUsd);
      c.estimateUsd = roundUsd(c.estimateUsd + (a.estimateUsd ?? 0));
    }
    return costs;
  }

  get totalCostUsd(): number {
    return roundUsd(this.attempts.reduce((sum, a) => sum + a.costUsd, 0));
  }

  /** The getProgress answer; its attempts are the ledger's own, so a caller sees them change. */
  progress(): SceneProgress {
    return {
      sceneId: this.sceneId,
      projectId: this.projectId,
      phase: this.phase,
      ranking: this.ranking,
      currentProvider: this.current?.provider,
      attempts: this.attempts,
      totalCostUsd: this.totalCostUsd,
      costByProvider: this.costByProvider,
      result: this.result,
      ...(this.slotWait && { waitingForSlot: this.slotWait }),
    };
  }

  private get current(): AttemptProgress | undefined {
    const last = this.attempts[this.attempts.length - 1];
    return last && last.endedAt === undefined ? last : undefined;
  }

  private bill(outcome: AttemptOutcome): number {
    const { rule, worstCaseUsd } = this.charge!;
    return billedCostUsd(rule, worstCaseUsd, outcome, this.current?.state);
  }

  private endBilled(
    state: 'failed' | 'cancelled',
    reason: AttemptReason,
    error: string,
    outcome: AttemptOutcome,
  ): void {
    const costUsd = this.bill(outcome);
    const cancel = outcome.kind === 'abandoned' ? outcome.cancel : undefined;
    if (cancel?.sent === false) {
      this.end(state, reason, {
        error: `${error}; ${notCancelledLabel} (${cancel.reason})`,
        costUsd,
        notCancelled: cancel.reason,
      });
    } else {
      this.end(state, reason, { error: cancel ? `${error}; remote task cancelled` : error, costUsd });
    }
  }

  /** Ends the attempt in flight. */
  private end(state: AttemptOutcomeLabel, reason: AttemptReason, fields: Partial<AttemptProgress>): void {
    const attempt = this.current!;
    Object.assign(attempt, fields, { state, reason, endedAt: new Date().toISOString() });
    attempt.costUsd = roundUsd(attempt.costUsd);
    this.observe({
      kind: 'attempt-ended',
      provider: attempt.provider,
      // Identified before any attempt starts.
      sceneType: this.sceneType!,
      outcome: state,
      reason,
      costUsd: attempt.costUsd,
      estimateUsd: attempt.estimateUsd,
    });
    this.fallingBackFrom = state === 'failed' ? { provider: attempt.provider, reason } : undefined;
  }

  private sceneEnded(outcome: AttemptOutcomeLabel): void {
    this.fallingBackFrom = undefined;
    // Every scene that can end through here was identified: a scene whose input is invalid fails before the ledger.
    this.observe({ kind: 'scene-ended', sceneType: this.sceneType!, outcome });
  }

  private finalStatus(status: 'failed' | 'cancelled'): SearchAttributeUpdatePair[] {
    return [
      { key: searchAttributes.videoStatus, value: status },
      { key: searchAttributes.costUsd, value: this.totalCostUsd },
    ];
  }

  private publishStatus(status: 'generating' | 'uploading', ...more: SearchAttributeUpdatePair[]): void {
    this.publish({
      searchAttributes: this.withUnsetStartAttributes([...more, { key: searchAttributes.videoStatus, value: status }]),
    });
  }

  private withUnsetStartAttributes(pairs: SearchAttributeUpdatePair[]): SearchAttributeUpdatePair[] {
    const unset = this.unsetStartAttributes.filter((m) => !pairs.some((p) => p.key.name === m.key.name));
    this.unsetStartAttributes = [];
    return [...unset, ...pairs];
  }
}
