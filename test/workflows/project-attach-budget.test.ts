/**
 * A project's budget when one of its scenes already runs (started on its own by the pipeline, e.g. a preview, or by an
 * earlier project run): neither maxCostUsd nor the preferred provider is part of the identity, so the project attaches
 * to that run, which its allowance does not bound. The project reserves the attached run's own exposure (spent plus
 * what it may still bill: its maxCostUsd, else the worst case of its remaining plan) and attaches only when that fits;
 * a scene that had succeeded earlier counts at its cost without stopping the project. (Found by an attack: the project
 * granted such a scene $0.20 while the attached run billed $1.20, $2.00 billed on a $1 budget.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProjectVideos, startSceneVideo, waitForProjectVideos, waitForSceneVideo } from '../../src/client';
import { fastPolling, hookProject, hookScene, sceneRows } from '../helpers/budget-project';
import { sandboxBilledUsd } from '../helpers/sandbox-billing';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { randomUUID } from 'node:crypto';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness({
    // Runway and Veo render slowly, so a standalone scene on them is still running when the project attaches to it.
    scenario: {
      default: { queueMs: 50, renderMs: 300 },
      models: { [sandboxKey('runway')]: { renderMs: 4_000 }, [sandboxKey('veo')]: { renderMs: 4_000 } },
    },
  });
});
afterAll(async () => {
  await h?.close();
});

/** Scene s0 of the project started on its own, on Veo, with a larger cap ($0.96) than the project would grant it. */
const startVeoScene = (projectId: string) =>
  startSceneVideo(
    h.client,
    { ...hookScene('s0'), projectId, polling: fastPolling, preferredProvider: 'veo', maxCostUsd: 0.96 },
    { taskQueue: h.taskQueue },
  );

const project = (projectId: string, budgetUsd = 1) =>
  hookProject(projectId, ['s0', 's1', 's2', 's3', 's4'], { budgetUsd, maxConcurrentScenes: 5 });

it('a scene running on its own with no maxCostUsd (Runway, $1.20) does not fit a $1 budget: left alone, not counted, the project stays within $1', async () => {
  h.sandbox.reset();
  const projectId = `attach-${randomUUID().slice(0, 8)}`;
  // The pipeline previews scene s0 on its own: no maxCostUsd, so Runway (ranked first for a hook, $1.20 for 10 s) runs.
  const solo = await startSceneVideo(
    h.client,
    { ...hookScene('s0'), projectId, polling: fastPolling },
    { taskQueue: h.taskQueue },
  );
  await new Promise((r) => setTimeout(r, 500));
  const { workflowId } = await startProjectVideos(h.client, project(projectId), { taskQueue: h.taskQueue });
  const result = await waitForProjectVideos(h.client, workflowId);
  const soloCost = (await waitForSceneVideo(h.client, solo.workflowId)).totalCostUsd;
  const billed = await sandboxBilledUsd(h.sandbox);
  console.log(`billed $${billed} (standalone s0 $${soloCost}), project $${result.totalCostUsd}`, sceneRows(result));
  // What the project itself reports it spent stays within its budget (the money s0 bills is not the project's).
  expect(result.totalCostUsd).toBeLessThanOrEqual(1);
  // Everything billed except the run the project did not start and did not attach to.
  expect(soloCost).toBeGreaterThan(1);
  expect(billed - soloCost).toBeLessThanOrEqual(1);
  const s0 = result.scenes[0]!;
  expect(s0).toMatchObject({ phase: 'skipped', budget: 'skipped', costUsd: 0, workflowId: solo.workflowId });
  expect(s0.error).toMatch(/its run scene-video:.*:s0, going before this project run, may bill up to \$\d/);
  expect(s0.error).toMatch(/not attached/);
  expect(result.budget?.stopped).toBeUndefined();
}, 120_000);

it('a scene running on its own with a larger maxCostUsd (Veo, up to $0.96) is attached with that exposure reserved: everything billed stays within $1', async () => {
  h.sandbox.reset();
  const projectId = `attach-${randomUUID().slice(0, 8)}`;
  const solo = await startVeoScene(projectId);
  await new Promise((r) => setTimeout(r, 500));
  const { workflowId } = await startProjectVideos(h.client, project(projectId), { taskQueue: h.taskQueue });
  const result = await waitForProjectVideos(h.client, workflowId);
  const billed = await sandboxBilledUsd(h.sandbox);
  console.log(
    `billed $${billed}, project $${result.totalCostUsd}, budget ${JSON.stringify(result.budget)}`,
    sceneRows(result),
  );
  const s0 = result.scenes[0]!;
  expect(s0).toMatchObject({ phase: 'succeeded', provider: 'veo', workflowId: solo.workflowId, allowanceUsd: 0.96 });
  expect(s0.costUsd).toBeGreaterThan(0.2);
  expect(result.totalCostUsd).toBeLessThanOrEqual(1);
  expect(billed).toBeLessThanOrEqual(1);
  expect(billed).toBeCloseTo(result.totalCostUsd, 6);
  expect(result.budget?.stopped).toBeUndefined();
}, 120_000);

it('a scene that succeeded before the project run (Veo, $0.96) counts at what it cost, against the budget, without stopping the project', async () => {
  h.sandbox.reset();
  const projectId = `attach-${randomUUID().slice(0, 8)}`;
  // The scene succeeded on its own on Veo (more than the $0.40 a project would grant it) before the project starts.
  const solo = await startVeoScene(projectId);
  const earlier = await waitForSceneVideo(h.client, solo.workflowId);
  // A re-run with a $4.20 budget: what s0 cost before is part of the project's total and of what the budget covers
  // (s0's $0.96, then two scenes on Runway at $1.20 and two on Kling at $0.40: $4.16).
  const { workflowId } = await startProjectVideos(h.client, project(projectId, 4.2), { taskQueue: h.taskQueue });
  const result = await waitForProjectVideos(h.client, workflowId);
  const billed = await sandboxBilledUsd(h.sandbox);
  console.log(
    `earlier $${earlier.totalCostUsd}; billed $${billed}, project $${result.totalCostUsd}`,
    sceneRows(result),
  );
  expect(earlier.totalCostUsd).toBeGreaterThan(0.2);
  const s0 = result.scenes[0]!;
  expect(s0).toMatchObject({ phase: 'succeeded', costUsd: earlier.totalCostUsd, workflowId: solo.workflowId });
  // Not an overrun of an allowance: nothing was granted to it in this run, and the project goes on.
  expect(result.budget?.stopped).toBeUndefined();
  expect(result.budget?.priorUsd).toBe(earlier.totalCostUsd);
  expect(result.counts.succeeded).toBe(5);
  expect(result.budget?.spentUsd).toBe(result.totalCostUsd);
  // The earlier cost counts against the budget: the project's total, that cost included, stays within $4.20.
  expect(result.totalCostUsd).toBeLessThanOrEqual(4.2);
  expect(billed).toBeCloseTo(result.totalCostUsd, 6);
}, 120_000);
