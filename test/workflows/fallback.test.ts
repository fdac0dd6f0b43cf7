import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { estimateCostUsd, worstCaseCostUsd } from '../../src/domain/pricing';
import type { Fault, ScenarioInput } from '../../dev/sandbox';
import { generateSceneVideo } from '../../src/workflows';
import { getProgress } from '../../src/contract/scene-workflow';
import { ProviderError } from '../../src/providers/types';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => {
  h.sandbox.setScenario({ default: { queueMs: 100, renderMs: 500 } });
});

/** hook scenes rank runway first, then kling (tie on base score, catalogue order), then veo. */
function failFirst(fault: Fault | Record<string, unknown>) {
  h.sandbox.setScenario({
    default: { queueMs: 100, renderMs: 500 },
    models: { [sandboxKey('runway')]: { faults: [fault as Fault] } },
  });
}

async function run(overrides: Parameters<SceneHarness['scene']>[0] = {}) {
  const input = h.scene({ sceneType: 'hook', prompt: 'Opening shot over the city', ...overrides });
  return h.client.workflow.execute(generateSceneVideo, {
    taskQueue: h.taskQueue,
    workflowId: `fb-${input.sceneId}`,
    args: [input],
  });
}

type ModelBehaviour = NonNullable<ScenarioInput['models']>[string];
const hang: ModelBehaviour = { faults: [{ kind: 'hang' }] };

function estimateOf(key: string, durationSec: number): number {
  return estimateCostUsd(
    defaultCatalogue.find((p) => p.key === key)!,
    durationSec,
  );
}

/** The most the provider could bill for the attempt: what a budget reserves, and what an unknown charge counts at. */
function worstOf(key: string, durationSec: number): number {
  return worstCaseCostUsd(
    defaultCatalogue.find((p) => p.key === key)!,
    durationSec,
  );
}

describe('fallback along the ranked chain', () => {
  it.each([
    ['a 5xx at create', { kind: 'create_5xx', status: 500 }, /ProviderRejected: runway create: server \(HTTP 500\)/],
    ['a content-policy failure', { kind: 'content_policy' }, /ContentPolicy/],
    [
      'a failed task',
      { kind: 'task_failed', failureCode: 'INTERNAL.BAD_OUTPUT.CODE01', message: 'An unexpected error occurred.' },
      /ProviderTaskFailed.*INTERNAL\.BAD_OUTPUT\.CODE01/,
    ],
    ['a malformed create response', { kind: 'malformed_create' }, /protocol/],
    ['a malformed status response', { kind: 'malformed_get' }, /ProviderPollFailed/],
    ['a download that 404s', { kind: 'download_404' }, /VideoDownloadFailed.*404/],
  ])('falls through to the next provider after %s', async (_label, fault, reason) => {
    failFirst(fault);
    const result = await run();
    expect(result.provider).toBe('kling');
    expect(result.stored).toBe(true);
    expect(result.attempts.map((a) => a.provider)).toEqual(['runway', 'kling']);
    expect(result.attempts[0]!.state).toBe('failed');
    expect(result.attempts[0]!.error).toMatch(reason);
  });

  it('bills a moderated Runway generation and the success, per provider', async () => {
    failFirst({ kind: 'content_policy' });
    const result = await run();
    expect(result.attempts[0]!.costUsd).toBeGreaterThan(0);
    expect(result.costByProvider.runway).toBe(result.attempts[0]!.costUsd);
    expect(result.costByProvider.kling).toBe(result.attempts[1]!.costUsd);
    expect(result.totalCostUsd).toBeCloseTo(result.attempts[0]!.costUsd + result.attempts[1]!.costUsd, 6);
  });

  it('counts an ambiguous create at its worst case: the provider holds a task nobody can cancel', async () => {
    h.sandbox.setScenario({
      default: { queueMs: 100, renderMs: 500 },
      models: { [sandboxKey('veo')]: { faults: [{ kind: 'malformed_create' }] } },
    });
    const prompt = `Opening shot over the harbour ${Date.now()}`;
    const result = await run({
      prompt,
      durationSec: 8,
      preferredProvider: 'veo',
      allowedProviders: ['veo', 'runway'],
    });
    // Veo's worst case ($0.12/s) is above its estimate ($0.06/s): the charge nobody reported counts at the worst.
    expect(worstOf('veo', 8)).toBeGreaterThan(estimateOf('veo', 8));
    expect(result.attempts[0]).toMatchObject({ provider: 'veo', state: 'failed', costUsd: worstOf('veo', 8) });
    expect(result.attempts[0]!.error).toMatch(/^AmbiguousCreate: /);
    expect(result.attempts[0]!.taskId).toBeUndefined();
    // The sandbox did create (and would bill) the task whose reply the worker could not read.
    const created = h.sandbox.stats().tasks.filter((t) => t.prompt.includes(prompt));
    expect(created.map((t) => t.api)).toEqual(['piapi', 'runway']);
    expect(result.totalCostUsd).toBeCloseTo(result.attempts[0]!.costUsd + result.attempts[1]!.costUsd, 6);
  });

  it('skips a provider whose worst case would exceed the scene budget, saying why', async () => {
    const [runway, kling, hunyuan] = [worstOf('runway', 5), worstOf('kling', 5), worstOf('hunyuan', 5)];
    const result = await run({ durationSec: 5, maxCostUsd: hunyuan });
    expect(result.provider).toBe('hunyuan');
    expect(result.attempts.slice(0, 2)).toMatchObject([
      { provider: 'runway', state: 'skipped', costUsd: 0 },
      { provider: 'kling', state: 'skipped', costUsd: 0 },
    ]);
    expect(result.attempts[0]!.error).toBe(
      `budget: worst case $${runway.toFixed(4)} would exceed the budget ($${hunyuan} with $0 spent)`,
    );
    expect(result.attempts[1]!.error).toBe(
      `budget: worst case $${kling.toFixed(4)} would exceed the budget ($${hunyuan} with $0 spent)`,
    );
  });

  it('charges an ambiguous create to the budget before trying the next provider, and says the scene stopped for budget', async () => {
    failFirst({ kind: 'malformed_create' });
    const [runway, kling] = [worstOf('runway', 5), worstOf('kling', 5)];
    const budget = runway + kling / 2;
    const err = await run({ durationSec: 5, maxCostUsd: budget, allowedProviders: ['runway', 'kling'] }).catch(
      (e: unknown) => e,
    );
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('BudgetExhausted');
    expect(cause.message).toMatch(/ stopped for budget \(/);
    expect(cause.message).toContain(
      `2. kling: budget: worst case $${kling.toFixed(4)} would exceed the budget ($${budget} with $${runway} spent)`,
    );
  });

  it('cancels the remote task when a provider misses its deadline, then moves on', async () => {
    failFirst({ kind: 'hang' });
    const result = await run({ polling: { intervalMs: 200, providerDeadlineMs: 3_000 } });
    expect(result.provider).toBe('kling');
    expect(result.attempts[0]!.error).toMatch(
      /^ProviderDeadlineMissed: runway task \S+: no result within the provider deadline \(polling\.providerDeadlineMs, \d+ ms of it left when polling started\)/,
    );
    expect(h.sandbox.stats().deletes).toContain(result.attempts[0]!.taskId);
  });

  it('names both deadlines when the server times the poll out before the poll could check them', async () => {
    // Every status reply garbled: the poll backs off (2 s, 4 s) and never sees a state to check.
    failFirst({ kind: 'malformed_get' });
    const result = await run({ polling: { intervalMs: 1_000, providerDeadlineMs: 3_000, queueDeadlineMs: 1_000 } });
    expect(result.provider).toBe('kling');
    expect(result.attempts[0]!.error).toMatch(
      /^no result within \d+ ms of polling \(\d+ ms left of polling\.providerDeadlineMs plus polling\.queueDeadlineMs\); remote task cancelled$/,
    );
  });

  const uncancelled: [label: string, provider: string, behaviour: ModelBehaviour, reason: string][] = [
    ['hailuo, which has no cancel, hanging while it renders', 'hailuo', hang, 'hailuo has no cancel API'],
    ['hailuo, which has no cancel, still queued', 'hailuo', { queueMs: 600_000 }, 'hailuo has no cancel API'],
    [
      'kling, which cancels only queued tasks, hanging while it renders',
      'kling',
      hang,
      'kling cancels only queued tasks and this one is running',
    ],
  ];
  it.each(uncancelled)(
    'sends no cancel for %s: costed at its worst case, labelled, and the scene moves on',
    async (_label, first, behaviour, reason) => {
      h.sandbox.setScenario({
        default: { queueMs: 100, renderMs: 500 },
        models: { [sandboxKey(first)]: behaviour },
      });
      const result = await run({
        durationSec: 6,
        preferredProvider: first,
        allowedProviders: [first, 'luma'],
        polling: { intervalMs: 200, providerDeadlineMs: 3_000 },
      });
      expect(result.provider).toBe('luma');
      const [abandoned] = result.attempts;
      expect(abandoned).toMatchObject({ provider: first, state: 'failed', notCancelled: reason });
      expect(abandoned!.error).toMatch(/^ProviderDeadlineMissed: .*no result within the provider deadline/);
      expect(abandoned!.error).toContain(
        `; the attempt gives the task up; cannot be cancelled; may still bill (${reason})`,
      );
      expect(abandoned!.costUsd).toBe(worstOf(first, 6));
      expect(h.sandbox.stats().deletes).not.toContain(abandoned!.taskId);
      expect(result.costByProvider[first]).toBe(worstOf(first, 6));
      expect(result.totalCostUsd).toBeCloseTo(abandoned!.costUsd + result.attempts[1]!.costUsd, 6);
    },
  );

  it('charges a queued task its model cannot cancel to the scene budget: the next provider no longer fits', async () => {
    h.sandbox.setScenario({
      default: { queueMs: 100, renderMs: 500 },
      models: { [sandboxKey('hailuo')]: { queueMs: 600_000 } },
    });
    const budget = worstOf('hailuo', 6) + worstOf('luma', 6) / 2;
    const err = await run({
      durationSec: 6,
      maxCostUsd: budget,
      preferredProvider: 'hailuo',
      allowedProviders: ['hailuo', 'luma'],
      polling: { intervalMs: 200, providerDeadlineMs: 3_000 },
    }).catch((e: unknown) => e);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('BudgetExhausted');
    expect(cause.message).toContain(`$${worstOf('hailuo', 6)} spent`);
    expect(cause.message).toContain('2. luma: budget: worst case');
  });

  it('cancels a Kling task still queued at its deadline, and counts it free', async () => {
    h.sandbox.setScenario({
      default: { queueMs: 100, renderMs: 500 },
      models: { [sandboxKey('kling')]: { queueMs: 600_000 } },
    });
    const result = await run({
      preferredProvider: 'kling',
      allowedProviders: ['kling', 'luma'],
      polling: { intervalMs: 200, providerDeadlineMs: 3_000 },
    });
    expect(result.provider).toBe('luma');
    expect(result.attempts[0]).toMatchObject({ costUsd: 0 });
    expect(result.attempts[0]!.error).toMatch(
      /^ProviderDeadlineMissed: .*no result within the provider deadline.*; the attempt gives the task up; remote task cancelled$/,
    );
    expect(h.sandbox.stats().deletes).toContain(result.attempts[0]!.taskId);
  });

  it('charges a queued task whose cancel failed at its worst case: the task renders on', async () => {
    h.sandbox.setScenario({
      default: { queueMs: 100, renderMs: 500 },
      models: { [sandboxKey('kling')]: { queueMs: 600_000 } },
    });
    const piapi = h.deps.providers.piapi!;
    const cancelTask = piapi.cancelTask.bind(piapi);
    piapi.cancelTask = () => Promise.reject(new ProviderError('server', 'PiAPI DELETE /api/v1/task/{id}: HTTP 503'));
    try {
      const result = await run({
        durationSec: 6,
        preferredProvider: 'kling',
        allowedProviders: ['kling', 'luma'],
        polling: { intervalMs: 200, providerDeadlineMs: 3_000 },
      });
      expect(result.provider).toBe('luma');
      const [abandoned] = result.attempts;
      expect(abandoned!.error).toMatch(/; cannot be cancelled; may still bill \(the cancel failed: .*HTTP 503\)$/);
      expect(abandoned!.costUsd).toBe(worstOf('kling', 6));
      expect(result.costByProvider.kling).toBe(worstOf('kling', 6));
    } finally {
      piapi.cancelTask = cancelTask;
    }
  }, 60_000);

  it('says when the clip is another length than asked: the provider renders its own durations', async () => {
    const result = await run({ durationSec: 8, preferredProvider: 'kling', allowedProviders: ['kling'] });
    expect(result).toMatchObject({ provider: 'kling', requestedDurationSec: 8, durationSec: 5 });
    expect(result.attempts[0]).toMatchObject({ requestedDurationSec: 8, durationSec: 5 });
  });

  it('fails non-retryably with every attempt and its reason when every provider fails', async () => {
    h.sandbox.setScenario({
      default: { queueMs: 50, renderMs: 200, faults: [{ kind: 'task_failed', message: 'GPU on fire' }] },
    });
    const input = h.scene({ sceneType: 'hook', prompt: 'Opening shot' });
    const err = await h.client.workflow
      .execute(generateSceneVideo, { taskQueue: h.taskQueue, workflowId: `fb-${input.sceneId}`, args: [input] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('AllProvidersFailed');
    expect(cause.nonRetryable).toBe(true);
    // 16:9 hook: every provider in the catalogue renders 16:9, so all six are tried.
    for (const p of ['runway', 'kling', 'veo', 'luma', 'hailuo', 'hunyuan'])
      expect(cause.message).toMatch(new RegExp(`\\d\\. ${p}: .*GPU on fire`));
  });

  it('tries the preferred provider first, then the ranked rest', async () => {
    const result = await run({ preferredProvider: 'hunyuan' });
    expect(result.provider).toBe('hunyuan');
    const progress = await h.client.workflow.getHandle(`fb-${result.sceneId}`).query(getProgress);
    expect(progress.ranking[0]!.provider).toBe('runway');
    expect(result.attempts.map((a) => a.provider)).toEqual(['hunyuan']);
  });

  it('only uses the providers the worker is configured for', async () => {
    const piapiOnly = await startSceneHarness({ routes: ['piapi'] });
    try {
      const input = piapiOnly.scene({ sceneType: 'hook', prompt: 'Opening shot' });
      const result = await piapiOnly.client.workflow.execute(generateSceneVideo, {
        taskQueue: piapiOnly.taskQueue,
        workflowId: `fb-${input.sceneId}`,
        args: [input],
      });
      expect(result.provider).toBe('kling');
      expect(piapiOnly.sandbox.stats().tasksCreated).not.toHaveProperty(sandboxKey('runway'));
    } finally {
      await piapiOnly.close();
    }
  });

  it('rejects a preferred provider the worker is not configured for, before creating anything', async () => {
    const piapiOnly = await startSceneHarness({ routes: ['piapi'] });
    try {
      const input = piapiOnly.scene({ preferredProvider: 'runway' });
      const err = await piapiOnly.client.workflow
        .execute(generateSceneVideo, {
          taskQueue: piapiOnly.taskQueue,
          workflowId: `fb-${input.sceneId}`,
          args: [input],
        })
        .catch((e: unknown) => e);
      const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause.type).toBe('ProviderNotConfigured');
      expect(cause.message).toMatch(/preferredProvider "runway" is not configured/);
      expect(piapiOnly.sandbox.stats().tasks).toHaveLength(0);
    } finally {
      await piapiOnly.close();
    }
  });

  it('rejects invalid input non-retryably, naming the field', async () => {
    const input = { ...h.scene(), durationSec: -1 };
    const err = await h.client.workflow
      .execute(generateSceneVideo, { taskQueue: h.taskQueue, workflowId: `fb-${input.sceneId}`, args: [input] })
      .catch((e: unknown) => e);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('InvalidSceneInput');
    expect(cause.message).toMatch(/durationSec: must be greater than 0/);
  });
});
