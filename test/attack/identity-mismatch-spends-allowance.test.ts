/**
 * Attack on issue #12 defects 1 and 2 together. A project scene whose id is held by a run of other content (the
 * pipeline generated scene s0 earlier, then the prompt was edited) is refused with SceneIdentityMismatch: nothing is
 * started or billed for it. But the ledger settles it at its whole allowance (reportedCharge() finds no SceneProgress in
 * the mismatch failure, and settle() treats "unknown" as "the whole allowance was spent"). The project then skips a
 * later scene for budget with money left, and its result disagrees with itself: totalCostUsd $0.20 (the rows) against
 * budget.spentUsd $0.40.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startProjectVideos, startSceneVideo, waitForProjectVideos, waitForSceneVideo } from '../../src/client';
import { sandboxBilledUsd } from '../helpers/sandbox-billing';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness({ scenario: { default: { queueMs: 50, renderMs: 300 } } });
});
afterAll(async () => {
  await h?.close();
});

const polling = { intervalMs: 200, providerDeadlineMs: 60_000 };
const hook = (sceneId: string, prompt = 'Opening shot over a city skyline at dawn') => ({
  sceneId,
  sceneType: 'hook',
  prompt,
  durationSec: 10,
  aspectRatio: '16:9' as const,
});

it('a scene refused for identity costs the project nothing', async () => {
  const projectId = `atk-${randomUUID().slice(0, 8)}`;
  const first = await startSceneVideo(
    h.client,
    { ...hook('s0', 'An older cut of the opening shot'), projectId, polling, maxCostUsd: 1 },
    { taskQueue: h.taskQueue },
  );
  await waitForSceneVideo(h.client, first.workflowId);
  h.sandbox.reset();
  const { workflowId } = await startProjectVideos(
    h.client,
    { projectId, budgetUsd: 0.4, maxConcurrentScenes: 1, polling, scenes: [hook('s0'), hook('s1'), hook('s2')] },
    { taskQueue: h.taskQueue },
  );
  const result = await waitForProjectVideos(h.client, workflowId);
  const billed = await sandboxBilledUsd(h.sandbox);
  console.log(
    `billed $${billed}; total $${result.totalCostUsd}; budget ${JSON.stringify(result.budget)}`,
    result.scenes.map((s) => `${s.sceneId}:${s.phase}:$${s.costUsd}:${(s.error ?? '').slice(0, 90)}`),
  );
  expect(result.scenes[0]!.error).toMatch(/refusing to attach/);
  expect(result.budget!.spentUsd).toBeCloseTo(result.totalCostUsd, 6);
  expect(result.scenes[2]!.phase).toBe('succeeded'); // $0.40 covers s1 and s2 at $0.20 each
}, 90_000);
