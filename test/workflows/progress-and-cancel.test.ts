import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { worstCaseCostUsd } from '../../src/domain/pricing';
import { getSceneProgress } from '../../src/client';
import { generateSceneVideo } from '../../src/workflows';
import { getProgress, type SceneProgress } from '../../src/contract/scene-workflow';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { waitFor } from '../helpers/wait-for';

let h: SceneHarness;
beforeAll(async () => {
  // Kling billed even for failed tasks (a configurable billing rule), so a failed first attempt costs money.
  const catalogue = defaultCatalogue.map((p) => (p.key === 'kling' ? { ...p, billing: 'always' as const } : p));
  h = await startSceneHarness({ catalogue });
});
afterAll(async () => {
  await h?.close();
});

describe('progress query and cancellation', () => {
  it('answers the progress query from the moment the scene starts, its phases in order', async () => {
    h.sandbox.setScenario({ default: { queueMs: 100, renderMs: 300 } });
    const input = h.scene();
    // Queried again and again from the start: the handler is registered before the first activity, so even a query
    // that arrives during the workflow's first task is answered (not QueryNotRegisteredError).
    const handle = await h.client.workflow.start(generateSceneVideo, {
      taskQueue: h.taskQueue,
      workflowId: `early-${input.sceneId}`,
      args: [input],
    });
    const phases: string[] = [];
    for (;;) {
      const p = await handle.query(getProgress);
      expect(p.sceneId).toBe(input.sceneId);
      if (phases.at(-1) !== p.phase) phases.push(p.phase);
      if (p.phase === 'succeeded') break;
    }
    const order = ['ranking', 'generating', 'uploading', 'succeeded'];
    expect(phases.map((p) => order.indexOf(p))).toEqual([...phases.map((p) => order.indexOf(p))].sort());
    expect(phases).not.toContain('failed');
  });

  it('shows the current attempt, its live progress and the cost rising across a billed failure and the success', async () => {
    h.sandbox.setScenario({
      default: { queueMs: 200, renderMs: 6_000 },
      models: {
        [sandboxKey('kling')]: {
          queueMs: 100,
          renderMs: 300,
          faults: [{ kind: 'task_failed', message: 'render crashed' }],
        },
      },
    });
    // testimonial ranks kling, then runway (which reports progress while RUNNING).
    const input = h.scene({
      sceneType: 'testimonial',
      prompt: 'A customer tells her story',
      polling: { intervalMs: 250, providerDeadlineMs: 60_000 },
    });
    const handle = await h.client.workflow.start(generateSceneVideo, {
      taskQueue: h.taskQueue,
      workflowId: `pq-${input.sceneId}`,
      args: [input],
    });

    const seen: SceneProgress[] = [];
    const rendering = await waitFor(async () => {
      const p = await getSceneProgress(h.client, handle.workflowId);
      seen.push(p);
      return p.currentProvider === 'runway' && (p.attempts[1]?.progress ?? 0) >= 0.25 ? p : undefined;
    }, 30_000);
    expect(rendering.phase).toBe('generating');
    // A failed task billed without a reported charge counts at the most Kling could bill for it.
    const klingCharge = worstCaseCostUsd(
      defaultCatalogue.find((p) => p.key === 'kling')!,
      input.durationSec,
    );
    expect(rendering.attempts[0]).toMatchObject({ provider: 'kling', state: 'failed', costUsd: klingCharge });
    expect(rendering.attempts[0]!.error).toMatch(/render crashed/);
    expect(rendering.attempts[1]).toMatchObject({ provider: 'runway', state: 'running' });
    expect(rendering.attempts[1]!.taskId).toBeTruthy();
    expect(rendering.attempts[1]!.costUsd).toBeGreaterThan(0);
    expect(rendering.totalCostUsd).toBeCloseTo(klingCharge + rendering.attempts[1]!.costUsd, 6);
    expect(rendering.ranking.map((r) => r.provider).slice(0, 2)).toEqual(['kling', 'runway']);
    expect(rendering.ranking[0]!.reasons).toContain('+50 strength "testimonial"');

    const result = await handle.result();
    const done = await handle.query(getProgress);
    expect(done.phase).toBe('succeeded');
    expect(done.result?.s3Key).toBe(result.s3Key);
    const costs = seen.map((p) => p.totalCostUsd);
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
    expect(result.totalCostUsd).toBeGreaterThan(rendering.attempts[0]!.costUsd);
    expect(result.totalCostUsd).toBeCloseTo(result.costByProvider.runway! + result.costByProvider.kling!, 6);
    expect(result.costByProvider.kling).toBe(klingCharge);
  });

  it('cancelling the workflow cancels the remote task (the sandbox sees the DELETE)', async () => {
    h.sandbox.setScenario({ default: { queueMs: 30_000, renderMs: 1_000 } });
    const input = h.scene({ sceneType: 'testimonial', prompt: 'A customer smiles' });
    const handle = await h.client.workflow.start(generateSceneVideo, {
      taskQueue: h.taskQueue,
      workflowId: `pc-${input.sceneId}`,
      args: [input],
    });
    const taskId = await waitFor(async () => (await handle.query(getProgress)).attempts[0]?.taskId, 20_000);
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(h.sandbox.stats().deletes).toContain(taskId);
    const progress = await handle.query(getProgress);
    expect(progress.phase).toBe('cancelled');
    expect(progress.attempts[0]!.state).toBe('cancelled');
  });

  it('a cancel that arrives while a create is failing ends the scene: no next provider is sent a task', async () => {
    // Runway's create keeps answering 500: the activity retries it for seconds (1 s, 2 s, 4 s), past the cancel.
    h.sandbox.setScenario({
      default: { queueMs: 100, renderMs: 300 },
      models: { [sandboxKey('runway')]: { faults: [{ kind: 'create_5xx', status: 500 }] } },
    });
    const input = h.scene({ sceneType: 'hook', prompt: 'Opening shot over the city' });
    const handle = await h.client.workflow.start(generateSceneVideo, {
      taskQueue: h.taskQueue,
      workflowId: `pc-create-${input.sceneId}`,
      args: [input],
    });
    await waitFor(async () => (await handle.query(getProgress)).attempts[0]?.state === 'creating' || undefined, 20_000);
    const before = h.sandbox.stats().tasksCreated;
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    const progress = await handle.query(getProgress);
    expect(progress.phase).toBe('cancelled');
    expect(progress.attempts.map((a) => [a.provider, a.state])).toEqual([['runway', 'failed']]);
    expect(h.sandbox.stats().tasksCreated).toEqual(before);
  });
});
