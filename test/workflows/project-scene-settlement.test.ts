/**
 * Regressions (attacks on issue #12 defects 1, 2, 4 and 6): what a project records and settles for a scene that ends
 * without a clip and without reporting its cost itself.
 * - A scene terminated by an operator (not cancelled) after its provider task was created used to be recorded at $0:
 *   only an ApplicationFailure carried a cost. The project now asks the closed scene what it committed, as it does for
 *   a cancelled one, so its row, the total and the ledger match what the provider billed.
 * - A scene refused for identity (SceneIdentityMismatch: its id holds a run of other content) used to be settled at
 *   its whole allowance, so later scenes were skipped with money left and budget.spentUsd disagreed with the total.
 *   Nothing was started for it: it now settles at $0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startProjectVideos, startSceneVideo, waitForProjectVideos, waitForSceneVideo } from '../../src/client';
import { getProgress } from '../../src/contract/scene-workflow';
import { sandboxBilledUsd } from '../helpers/sandbox-billing';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { waitFor } from '../helpers/wait-for';

const polling = { intervalMs: 200, providerDeadlineMs: 60_000 };

describe('a terminated scene', () => {
  let h: SceneHarness;
  beforeAll(async () => {
    h = await startSceneHarness({ scenario: { default: { queueMs: 50, renderMs: 2_500 } } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is in the project's total, its row and its ledger at what it committed", async () => {
    h.sandbox.reset();
    const projectId = `settle-${randomUUID().slice(0, 8)}`;
    const { workflowId } = await startProjectVideos(
      h.client,
      {
        projectId,
        budgetUsd: 5,
        polling,
        scenes: [
          { sceneId: 's0', sceneType: 'broll', prompt: 'Calm office scene', durationSec: 5, aspectRatio: '16:9' },
        ],
      },
      { taskQueue: h.taskQueue },
    );
    const scene = h.client.workflow.getHandle(`scene-video:${projectId}:s0`);
    await waitFor(async () => {
      const p = await scene.query(getProgress).catch(() => undefined);
      return p?.attempts[0]?.taskId ? true : undefined;
    }, 30_000);
    await scene.terminate('operator stops a runaway scene');
    const result = await waitForProjectVideos(h.client, workflowId);
    await new Promise((r) => setTimeout(r, 3_500)); // the remote task finishes rendering and is billed
    const billed = await sandboxBilledUsd(h.sandbox);
    console.log(
      `billed $${billed}; project total $${result.totalCostUsd}; scene ${JSON.stringify(result.scenes[0])}; budget ${JSON.stringify(result.budget)}`,
    );
    expect(billed).toBeGreaterThan(0);
    expect(result.totalCostUsd).toBeCloseTo(billed, 6);
    expect(result.scenes[0]).toMatchObject({ phase: 'failed', costUsd: result.totalCostUsd });
    expect(result.scenes[0]!.error).toMatch(/was terminated after committing \$/);
    expect(result.budget!.spentUsd).toBeCloseTo(billed, 6);
  }, 90_000);
});

describe('a scene refused for identity', () => {
  let h: SceneHarness;
  beforeAll(async () => {
    h = await startSceneHarness({ scenario: { default: { queueMs: 50, renderMs: 300 } } });
  });
  afterAll(async () => {
    await h?.close();
  });

  const hook = (sceneId: string, prompt = 'Opening shot over a city skyline at dawn') => ({
    sceneId,
    sceneType: 'hook',
    prompt,
    durationSec: 10,
    aspectRatio: '16:9' as const,
  });

  it('costs the project nothing', async () => {
    const projectId = `settle-${randomUUID().slice(0, 8)}`;
    const first = await startSceneVideo(
      h.client,
      { ...hook('s0', 'An older cut of the opening shot'), projectId, polling, maxCostUsd: 1 },
      { taskQueue: h.taskQueue },
    );
    await waitForSceneVideo(h.client, first.workflowId);
    h.sandbox.reset();
    const { workflowId } = await startProjectVideos(
      h.client,
      { projectId, budgetUsd: 0.8, maxConcurrentScenes: 1, polling, scenes: [hook('s0'), hook('s1'), hook('s2')] },
      { taskQueue: h.taskQueue },
    );
    const result = await waitForProjectVideos(h.client, workflowId);
    const billed = await sandboxBilledUsd(h.sandbox);
    console.log(
      `billed $${billed}; total $${result.totalCostUsd}; budget ${JSON.stringify(result.budget)}`,
      result.scenes.map((s) => `${s.sceneId}:${s.phase}:$${s.costUsd}:${(s.error ?? '').slice(0, 90)}`),
    );
    expect(result.scenes[0]!.error).toMatch(/refusing to attach/);
    expect(result.scenes[0]!.costUsd).toBe(0);
    expect(result.budget!.spentUsd).toBeCloseTo(result.totalCostUsd, 6);
    expect(result.budget!.spentUsd).toBeCloseTo(billed, 6);
    expect(result.scenes[2]!.phase).toBe('succeeded'); // $0.80 covers s1 and s2 on Kling at $0.40 each
  }, 90_000);
});
