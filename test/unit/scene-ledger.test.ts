import { describe, expect, it } from 'vitest';
import type { SearchAttributePair } from '@temporalio/common';
import { SceneLedger, type DeliveredClip, type SceneEvent, type SceneViews } from '../../src/domain/scene-ledger';

type Provider = Parameters<SceneLedger['attemptStarted']>[0];
const kling: Provider = { key: 'kling', billing: 'success_only', costPerSecondUsd: 0.06, allowedDurationsSec: [5, 10] };
const runway: Provider = {
  key: 'runway',
  billing: 'success_or_moderated',
  costPerSecondUsd: 0.12,
  allowedDurationsSec: [5],
};
const hailuo: Provider = { key: 'hailuo', billing: 'success_only', costPerSecondUsd: 0.05, allowedDurationsSec: [6] };
const veo: Provider = { key: 'veo', billing: 'success_only', costPerSecondUsd: 0.1, allowedDurationsSec: [4, 6, 8] };
const scene = { sceneId: 'hook', sceneType: 'hook', projectId: 'acme', durationSec: 5 };
const nothingAtStart = () => false;
const everythingAtStart = () => true;

/** A ledger whose published views are kept, each as its attribute names and values (and memo). */
function recordedLedger(startedWith: (pair: SearchAttributePair) => boolean = everythingAtStart) {
  const published: SceneViews[] = [];
  const ledger = new SceneLedger('hook', (views) => published.push(views));
  ledger.identified(scene, startedWith);
  const attributes = (i: number) =>
    Object.fromEntries(published[i]!.searchAttributes.map((p) => [p.key.name, p.value]));
  return { ledger, published, attributes };
}

const clip = (stored: boolean): DeliveredClip => ({
  provider: 'kling',
  s3Key: stored ? 'ai-videos/acme/hook/kling-t1.mp4' : undefined,
  providerVideoUrl: 'https://cdn.example/t1.mp4',
  stored,
  durationSec: 5,
});

describe('scene ledger: before and around the first attempt', () => {
  it('answers progress with the raw scene id before the input is validated, and publishes nothing', () => {
    const published: SceneViews[] = [];
    const ledger = new SceneLedger('raw-id', (views) => published.push(views));
    expect(ledger.progress()).toEqual({
      sceneId: 'raw-id',
      projectId: undefined,
      phase: 'ranking',
      ranking: [],
      currentProvider: undefined,
      attempts: [],
      totalCostUsd: 0,
      costByProvider: {},
      result: undefined,
    });
    ledger.identified(scene, nothingAtStart);
    ledger.ranked([{ provider: 'kling', score: 9, reasons: ['hook'] }]);
    expect(ledger.progress()).toMatchObject({ sceneId: 'hook', projectId: 'acme', ranking: [{ provider: 'kling' }] });
    expect(published).toEqual([]);
  });

  it('attempt started: generating with its provider; start attributes the starter left out ride along once', () => {
    const { ledger, published, attributes } = recordedLedger(nothingAtStart);
    ledger.attemptStarted(kling, 0.5);
    expect(published).toHaveLength(1);
    // The start's VideoStatus (ranking) gives way to the new one.
    expect(attributes(0)).toEqual({
      SceneId: 'hook',
      SceneType: 'hook',
      ProjectId: 'acme',
      VideoProvider: 'kling',
      VideoStatus: 'generating',
    });
    expect(ledger.progress()).toMatchObject({ phase: 'generating', currentProvider: 'kling' });
    expect(ledger.progress().attempts).toEqual([
      // The catalogue estimate at the length asked (5 s at $0.06/s).
      { provider: 'kling', state: 'creating', startedAt: expect.any(String), costUsd: 0, estimateUsd: 0.3 },
    ]);
    ledger.taskCreated('t1', 5);
    ledger.uploading(undefined);
    expect(attributes(1)).toEqual({ VideoStatus: 'uploading' });
  });

  it('sends only what changes when the run was started with its attributes', () => {
    const { ledger, attributes } = recordedLedger(everythingAtStart);
    ledger.attemptStarted(kling, 0.5);
    expect(attributes(0)).toEqual({ VideoProvider: 'kling', VideoStatus: 'generating' });
  });

  it('skipped: an ended attempt at no cost with its reason, and no upsert', () => {
    const { ledger, published } = recordedLedger();
    ledger.skipped('runway', 'budget: worst case $1.2000 would exceed the budget ($1 with $0 spent)');
    const [attempt] = ledger.progress().attempts;
    expect(attempt).toMatchObject({ provider: 'runway', state: 'skipped', costUsd: 0 });
    expect(attempt!.endedAt).toBe(attempt!.startedAt);
    expect(ledger.progress().currentProvider).toBeUndefined();
    expect(published).toEqual([]);
  });

  it('skipped after a wait at the gate: the attempt starts when the scene asked', () => {
    const { ledger } = recordedLedger();
    const asked = new Date(Date.now() - 1_000);
    ledger.skipped('kling', 'no Kling AI slot at its gate within polling.queueDeadlineMs (1000 ms, 0 ahead)', asked);
    const [attempt] = ledger.progress().attempts;
    expect(attempt!.startedAt).toBe(asked.toISOString());
    expect(Date.parse(attempt!.endedAt!) - Date.parse(attempt!.startedAt)).toBeGreaterThanOrEqual(1_000);
  });

  it('names the scene in its log lines, and each attempt by provider and number, skipped ones counted', () => {
    const { ledger } = recordedLedger();
    expect(ledger.logContext).toEqual({ sceneId: 'hook', projectId: 'acme' });
    ledger.skipped('runway', 'over budget');
    expect(ledger.attemptLogContext).toEqual({ sceneId: 'hook', projectId: 'acme', provider: 'runway', attempt: 1 });
    ledger.attemptStarted(kling, 0.5);
    ledger.attemptFailed('kling task t1 failed', { kind: 'task-failed', contentPolicy: false }, 'task_failed');
    expect(ledger.attemptLogContext).toEqual({ sceneId: 'hook', projectId: 'acme', provider: 'kling', attempt: 2 });
    expect(ledger.attemptSummary()).toMatch(/^1\. runway: .*; 2\. kling: /);
    const alone = new SceneLedger('solo', () => undefined);
    expect(alone.logContext).toEqual({ sceneId: 'solo' });
  });
});

describe('scene ledger: an attempt in flight', () => {
  it('task created: queued under its task id, the worst case held as spent', () => {
    const { ledger, published } = recordedLedger();
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 5);
    expect(ledger.taskId).toBe('t1');
    expect(ledger.progress().attempts[0]).toMatchObject({ taskId: 't1', state: 'queued', costUsd: 0.5 });
    expect(ledger.totalCostUsd).toBe(0.5);
    expect(published).toHaveLength(1);
  });

  it('takes the provider progress of its own task only, and none once uploading', () => {
    const { ledger } = recordedLedger();
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 5);
    ledger.providerProgress({ provider: 'kling', taskId: 'other', state: 'running', progress: 0.9 });
    expect(ledger.progress().attempts[0]).toMatchObject({ state: 'queued' });
    ledger.providerProgress({ provider: 'kling', taskId: 't1', state: 'running', progress: 0.25 });
    expect(ledger.progress().attempts[0]).toMatchObject({ state: 'running', progress: 0.25 });
    ledger.uploading(undefined);
    ledger.providerProgress({ provider: 'kling', taskId: 't1', state: 'succeeded', progress: 1 });
    expect(ledger.progress().attempts[0]).toMatchObject({ state: 'uploading', progress: 0.25 });
  });

  it('attempt failed: billed by how far the task got, the worst case no longer held for a queued task', () => {
    const { ledger, published } = recordedLedger();
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 5);
    ledger.attemptFailed('no result within 60000 ms', { kind: 'abandoned', cancel: { sent: true } }, 'deadline');
    expect(ledger.progress().attempts[0]).toMatchObject({
      state: 'failed',
      error: 'no result within 60000 ms; remote task cancelled',
      costUsd: 0,
      endedAt: expect.any(String),
    });
    expect(ledger.progress().currentProvider).toBeUndefined();
    expect(ledger.taskId).toBeUndefined();

    // The next provider's task was rendering when it was given up: it may finish and bill.
    ledger.attemptStarted(runway, 1.2);
    ledger.taskCreated('t2', 5);
    ledger.providerProgress({ provider: 'runway', taskId: 't2', state: 'running' });
    ledger.attemptFailed('ProviderPollFailed: gave up', { kind: 'abandoned' }, 'poll_failed');
    expect(ledger.progress().attempts[1]).toMatchObject({ state: 'failed', costUsd: 1.2 });
    // A moderated failure is billed under Runway's rule.
    ledger.attemptStarted(runway, 1.2);
    ledger.taskCreated('t3', 5);
    ledger.attemptFailed(
      'ContentPolicy: refused',
      { kind: 'task-failed', contentPolicy: true },
      'content_policy_output',
    );
    expect(ledger.totalCostUsd).toBe(2.4);
    expect(ledger.progress().costByProvider).toEqual({ runway: 2.4 });
    expect(ledger.attemptSummary()).toBe(
      '1. kling: no result within 60000 ms; remote task cancelled; 2. runway: ProviderPollFailed: gave up; ' +
        '3. runway: ContentPolicy: refused',
    );
    // Only the three attempt starts were published: a failed attempt leaves the scene going.
    expect(published).toHaveLength(3);
  });

  it('abandoned but not cancelled: costed at its worst case even while queued, and labelled so', () => {
    const { ledger } = recordedLedger();
    ledger.attemptStarted(hailuo, 0.6);
    ledger.taskCreated('t1', 6);
    const cancel = { sent: false, reason: 'hailuo has no cancel API' } as const;
    ledger.attemptFailed('no result within 3000 ms', { kind: 'abandoned', cancel }, 'deadline');
    expect(ledger.progress().attempts[0]).toMatchObject({
      state: 'failed',
      error: 'no result within 3000 ms; cannot be cancelled; may still bill (hailuo has no cancel API)',
      notCancelled: 'hailuo has no cancel API',
      costUsd: 0.6,
    });
    expect(ledger.totalCostUsd).toBe(0.6);
    expect(ledger.lastAttemptCostUsd).toBe(0.6);

    // A scene cancel abandons the task the same way.
    ledger.attemptStarted(veo, 0.8);
    ledger.taskCreated('t2', 6);
    ledger.attemptCancelled('CancelledFailure: cancelled', {
      kind: 'abandoned',
      cancel: { sent: false, reason: 'veo3.1 has no cancel API' },
    });
    expect(ledger.progress().attempts[1]).toMatchObject({ state: 'cancelled', costUsd: 0.8 });
    expect(ledger.progress().costByProvider).toEqual({ hailuo: 0.6, veo: 0.8 });
  });

  it("the final memo holds each billed provider's charge next to the catalogue estimate for its attempts", () => {
    const { ledger, published } = recordedLedger();
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 5);
    ledger.attemptFailed('ProviderTaskFailed: refunded', { kind: 'task-failed', contentPolicy: false }, 'task_failed');
    ledger.attemptStarted(runway, 1.2);
    ledger.taskCreated('t2', 5);
    ledger.attemptFailed(
      'ContentPolicy: refused',
      { kind: 'task-failed', contentPolicy: true },
      'content_policy_output',
    );
    ledger.attemptStarted(runway, 1.2);
    ledger.taskCreated('t3', 5);
    ledger.uploading(0.55);
    ledger.delivered({ ...clip(true), provider: 'runway' }, 10);
    // Kling refunded its failure: billed nothing, it is not listed.
    expect(published.at(-1)!.memo!.costs).toEqual({ runway: { billedUsd: 1.75, estimateUsd: 1.2 } });
  });

  it('an abandoned task with no cancel answer (runs recorded before it, or a failed cancel) is billed as before', () => {
    const { ledger } = recordedLedger();
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 5);
    ledger.attemptFailed('no result within 60000 ms', { kind: 'abandoned' }, 'deadline');
    expect(ledger.progress().attempts[0]).toMatchObject({ error: 'no result within 60000 ms', costUsd: 0 });
    expect(ledger.progress().attempts[0]!.notCancelled).toBeUndefined();
  });

  it('records the length asked for and the one the task renders, on the attempt and the result', () => {
    const published: SceneViews[] = [];
    const ledger = new SceneLedger('hook', (views) => published.push(views));
    ledger.identified({ ...scene, durationSec: 12 }, everythingAtStart);
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 10);
    expect(ledger.progress().attempts[0]).toMatchObject({ requestedDurationSec: 12, durationSec: 10 });
    ledger.uploading(0.5);
    const result = ledger.delivered({ ...clip(true), durationSec: 10 }, 100);
    expect(result).toMatchObject({ requestedDurationSec: 12, durationSec: 10 });
  });

  it('uploading: the clip is billed at what the provider reported, or its worst case', () => {
    const { ledger } = recordedLedger();
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 5);
    ledger.uploading(0.42);
    expect(ledger.progress()).toMatchObject({ phase: 'uploading', totalCostUsd: 0.42 });
    expect(ledger.progress().attempts[0]).toMatchObject({ state: 'uploading', costUsd: 0.42 });
  });

  it('upload failed: the attempt ends failed and keeps what the clip cost', () => {
    const { ledger } = recordedLedger();
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 5);
    ledger.uploading(undefined);
    ledger.uploadFailed('VideoDownloadFailed: 404');
    expect(ledger.progress().attempts[0]).toMatchObject({
      state: 'failed',
      error: 'VideoDownloadFailed: 404',
      costUsd: 0.5,
    });
  });

  it('budget overrun: the note goes on the attempt that overran', () => {
    const { ledger } = recordedLedger();
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 5);
    ledger.attemptFailed(
      'ProviderTaskFailed: x',
      { kind: 'task-failed', contentPolicy: false, reportedCostUsd: 0.7 },
      'task_failed',
    );
    expect(ledger.lastAttemptCostUsd).toBe(0.7);
    ledger.budgetOverrun('budget: billed $0.7000, above the worst case $0.5000');
    expect(ledger.progress().attempts[0]!.budgetNote).toBe('budget: billed $0.7000, above the worst case $0.5000');
  });
});

describe('scene ledger: how the scene ends', () => {
  it('a first provider that succeeds costs three upserts: generating, uploading, succeeded with its memo', () => {
    const { ledger, published } = recordedLedger(nothingAtStart);
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 5);
    ledger.providerProgress({ provider: 'kling', taskId: 't1', state: 'running', progress: 0.5 });
    ledger.uploading(0.5);
    ledger.delivered(clip(true), 1000);
    expect(
      published.map((v) => [v.searchAttributes.map((p) => p.key.name).join(','), Object.keys(v.memo ?? {})]),
    ).toEqual([
      ['SceneId,SceneType,ProjectId,VideoProvider,VideoStatus', []],
      ['VideoStatus', []],
      ['VideoStatus,CostUsd', ['result', 'costs']],
    ]);
  });

  it('delivered and stored: succeeded, with its result in the query, the attributes and the memo', () => {
    const { ledger, published, attributes } = recordedLedger();
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 5);
    ledger.uploading(0.1234567);
    const result = ledger.delivered(clip(true), 4200);
    expect(result).toEqual({
      sceneId: 'hook',
      projectId: 'acme',
      ...clip(true),
      requestedDurationSec: 5,
      totalCostUsd: 0.123457,
      costByProvider: { kling: 0.123457 },
      attempts: [expect.objectContaining({ state: 'succeeded', progress: 1, costUsd: 0.123457 })],
      generationTimeMs: 4200,
    });
    expect(ledger.progress()).toMatchObject({ phase: 'succeeded', result, currentProvider: undefined });
    expect(attributes(2)).toEqual({ VideoStatus: 'succeeded', CostUsd: 0.123457 });
    expect(published[2]!.memo).toEqual({
      result: {
        provider: 'kling',
        s3Key: 'ai-videos/acme/hook/kling-t1.mp4',
        stored: true,
        totalCostUsd: 0.123457,
        attempts: 1,
      },
      costs: { kling: { billedUsd: 0.123457, estimateUsd: 0.3 } },
    });
  });

  it('delivered but not stored: unstored, not succeeded', () => {
    const { ledger, published, attributes } = recordedLedger();
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 5);
    ledger.uploading(undefined);
    const result = ledger.delivered(clip(false), 10);
    expect(result.stored).toBe(false);
    expect(ledger.progress().phase).toBe('unstored');
    expect(ledger.progress().attempts[0]!.state).toBe('unstored');
    expect(attributes(2)).toEqual({ VideoStatus: 'unstored', CostUsd: 0.5 });
    expect(published[2]!.memo).toMatchObject({ result: { stored: false, s3Key: undefined } });
  });

  it('failed: status and cost in the attributes, the message and money in the memo', () => {
    const { ledger, published, attributes } = recordedLedger();
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 5);
    ledger.providerProgress({ provider: 'kling', taskId: 't1', state: 'running' });
    ledger.attemptFailed('ProviderPollFailed: down', { kind: 'abandoned' }, 'poll_failed');
    ledger.sceneFailed('every provider failed for scene hook: 1. kling: ProviderPollFailed: down');
    expect(ledger.progress().phase).toBe('failed');
    expect(attributes(1)).toEqual({ VideoStatus: 'failed', CostUsd: 0.5 });
    expect(published[1]!.memo).toEqual({
      failure: {
        message: 'every provider failed for scene hook: 1. kling: ProviderPollFailed: down',
        totalCostUsd: 0.5,
        attempts: 1,
      },
      costs: { kling: { billedUsd: 0.5, estimateUsd: 0.3 } },
    });
  });

  it('failed before any attempt: the start attributes the starter left out still reach the Web UI', () => {
    const { ledger, attributes } = recordedLedger(nothingAtStart);
    ledger.sceneFailed('cannot plan providers: nothing configured');
    expect(attributes(0)).toEqual({
      SceneId: 'hook',
      SceneType: 'hook',
      ProjectId: 'acme',
      VideoStatus: 'failed',
      CostUsd: 0,
    });
  });

  it('cancelled while generating, in a run from before cancelled scenes kept their costs: no memo', () => {
    const { ledger, published, attributes } = recordedLedger();
    ledger.attemptStarted(runway, 1.2);
    ledger.taskCreated('t1', 5);
    ledger.providerProgress({ provider: 'runway', taskId: 't1', state: 'running', progress: 0.5 });
    ledger.attemptCancelled('CancelledFailure: Activity cancelled', { kind: 'abandoned' });
    ledger.sceneCancelled(false);
    expect(ledger.progress().attempts[0]).toMatchObject({
      state: 'cancelled',
      error: 'CancelledFailure: Activity cancelled',
      costUsd: 1.2,
    });
    expect(ledger.progress().phase).toBe('cancelled');
    expect(published[1]).toEqual({ searchAttributes: expect.any(Array) });
    expect(attributes(1)).toEqual({ VideoStatus: 'cancelled', CostUsd: 1.2 });
  });

  it('cancelled after a billed failure: the memo credits each charge to its own provider, as a failed scene does', () => {
    const { ledger, published, attributes } = recordedLedger();
    ledger.attemptStarted(runway, 1.2);
    ledger.taskCreated('t1', 5);
    ledger.providerProgress({ provider: 'runway', taskId: 't1', state: 'running', progress: 0.5 });
    ledger.attemptFailed(
      'ContentPolicy: moderated',
      { kind: 'task-failed', contentPolicy: true },
      'content_policy_output',
    );
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t2', 5);
    ledger.attemptCancelled('CancelledFailure: Activity cancelled', {
      kind: 'abandoned',
      cancel: { sent: false, reason: 'queued' },
    });
    ledger.sceneCancelled(true);
    expect(attributes(published.length - 1)).toEqual({ VideoStatus: 'cancelled', CostUsd: 1.7 });
    expect(published.at(-1)!.memo).toEqual({
      costs: { runway: { billedUsd: 1.2, estimateUsd: 0.6 }, kling: { billedUsd: 0.5, estimateUsd: 0.3 } },
    });
  });
});

describe('scene ledger: what it tells the metrics', () => {
  function observedLedger() {
    const events: SceneEvent[] = [];
    const ledger = new SceneLedger(
      'hook',
      () => {},
      (event) => events.push(event),
    );
    ledger.identified(scene, everythingAtStart);
    return { ledger, events };
  }

  it('each attempt as it ends, with its cost and estimate; each move on after a failure; the scene once', () => {
    const { ledger, events } = observedLedger();
    ledger.attemptStarted(runway, 1.2);
    ledger.taskCreated('t1', 5);
    ledger.attemptFailed(
      'ContentPolicy: refused',
      { kind: 'task-failed', contentPolicy: true },
      'content_policy_input',
    );
    ledger.skipped('veo', 'over budget');
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t2', 5);
    ledger.uploading(0.25);
    ledger.delivered(clip(true), 10);
    expect(events).toEqual([
      {
        kind: 'attempt-ended',
        provider: 'runway',
        sceneType: 'hook',
        outcome: 'failed',
        reason: 'content_policy_input',
        costUsd: 1.2,
        estimateUsd: 0.6,
      },
      // A skipped provider is no attempt: the scene moved on from runway to kling.
      { kind: 'fell-back', from: 'runway', to: 'kling', reason: 'content_policy_input' },
      {
        kind: 'attempt-ended',
        provider: 'kling',
        sceneType: 'hook',
        outcome: 'succeeded',
        reason: 'succeeded',
        costUsd: 0.25,
        estimateUsd: 0.3,
      },
      { kind: 'scene-ended', sceneType: 'hook', outcome: 'succeeded' },
    ]);
  });

  it('each ended attempt keeps its reason class for results and progress; skipped and running ones have none', () => {
    const { ledger } = observedLedger();
    ledger.attemptStarted(runway, 1.2);
    ledger.taskCreated('t1', 5);
    ledger.attemptFailed(
      'ContentPolicy: refused',
      { kind: 'task-failed', contentPolicy: true },
      'content_policy_output',
    );
    ledger.skipped('veo', 'over budget');
    ledger.attemptStarted(kling, 0.5);
    expect(ledger.progress().attempts.map((a) => a.reason)).toEqual(['content_policy_output', undefined, undefined]);
    ledger.taskCreated('t2', 5);
    ledger.uploading(0.25);
    const result = ledger.delivered(clip(true), 10);
    expect(result.attempts.map((a) => a.reason)).toEqual(['content_policy_output', undefined, 'succeeded']);
  });

  it('an upload that fails moves on; a clip kept only at the provider is unstored; a cancel is no fallback', () => {
    const { ledger, events } = observedLedger();
    ledger.attemptStarted(kling, 0.5);
    ledger.taskCreated('t1', 5);
    ledger.uploading(undefined);
    ledger.uploadFailed('VideoDownloadFailed: 404');
    ledger.attemptStarted(runway, 1.2);
    ledger.taskCreated('t2', 5);
    ledger.uploading(undefined);
    ledger.delivered({ ...clip(false), provider: 'runway' }, 10);
    expect(events).toMatchObject([
      { kind: 'attempt-ended', provider: 'kling', outcome: 'failed', reason: 'upload_failed' },
      { kind: 'fell-back', from: 'kling', to: 'runway', reason: 'upload_failed' },
      { kind: 'attempt-ended', provider: 'runway', outcome: 'unstored', reason: 'upload_failed' },
      { kind: 'scene-ended', outcome: 'unstored' },
    ]);

    const cancelled = observedLedger();
    cancelled.ledger.attemptStarted(kling, 0.5);
    cancelled.ledger.attemptCancelled('CancelledFailure: cancelled', { kind: 'abandoned' });
    cancelled.ledger.sceneCancelled(true);
    expect(cancelled.events).toMatchObject([
      { kind: 'attempt-ended', outcome: 'cancelled', reason: 'cancelled' },
      { kind: 'scene-ended', outcome: 'cancelled' },
    ]);
  });

  it('a scene whose last provider failed ends failed, with no fallback to count', () => {
    const { ledger, events } = observedLedger();
    ledger.attemptStarted(kling, 0.5);
    ledger.attemptFailed('AmbiguousCreate: sent', { kind: 'ambiguous' }, 'ambiguous_create');
    ledger.sceneFailed('every provider failed');
    expect(events.map((e) => e.kind)).toEqual(['attempt-ended', 'scene-ended']);
    expect(events[0]).toMatchObject({ reason: 'ambiguous_create', costUsd: 0.5 });
    expect(events[1]).toEqual({ kind: 'scene-ended', sceneType: 'hook', outcome: 'failed' });
  });
});
