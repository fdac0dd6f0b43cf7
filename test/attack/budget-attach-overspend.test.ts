/**
 * Attack on issue #12 defect 1 (budgets as hard caps) meeting defect 2 (verified attach).
 *
 * A scene of project P is already running (started on its own by the pipeline, e.g. a preview, with no maxCostUsd, or
 * with a preferred expensive provider: neither is part of the identity, so the project's child attaches to it). The
 * project's ledger grants that scene the worst case of the project's own plan (Luma, $0.20) and hands the rest of the
 * budget to the other scenes; but the attached run is not bounded by that allowance: it runs Runway ($1.20). The
 * project, whose budgetUsd is documented as a hard cap on what providers bill, ends having billed $2.00 of $1.00.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProjectVideos, startSceneVideo, waitForProjectVideos } from '../../src/client';
import { sandboxBilledUsd } from '../helpers/sandbox-billing';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { randomUUID } from 'node:crypto';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness({
    // Runway renders slowly, so the standalone scene is still running when the project attaches to it.
    scenario: { default: { queueMs: 50, renderMs: 300 }, models: { [sandboxKey('runway')]: { renderMs: 4_000 } } },
  });
});
afterAll(async () => {
  await h?.close();
});

const polling = { intervalMs: 200, providerDeadlineMs: 60_000 };
const hook = (sceneId: string) => ({
  sceneId,
  sceneType: 'hook',
  prompt: 'Opening shot over a city skyline at dawn',
  durationSec: 10,
  aspectRatio: '16:9' as const,
});

it('a project with budgetUsd $1 never bills more than $1, even when one of its scenes is attached to a run already going', async () => {
  h.sandbox.reset();
  const projectId = `atk-${randomUUID().slice(0, 8)}`;
  // The pipeline previews scene s0 on its own: no maxCostUsd, so Runway (ranked first for a hook, $1.20 for 10 s) runs.
  await startSceneVideo(h.client, { ...hook('s0'), projectId, polling }, { taskQueue: h.taskQueue });
  await new Promise((r) => setTimeout(r, 500));
  const project = {
    projectId,
    budgetUsd: 1,
    maxConcurrentScenes: 5,
    polling,
    scenes: Array.from({ length: 5 }, (_, i) => hook(`s${i}`)),
  };
  const { workflowId } = await startProjectVideos(h.client, project, { taskQueue: h.taskQueue });
  const result = await waitForProjectVideos(h.client, workflowId);
  const billed = await sandboxBilledUsd(h.sandbox);
  console.log(
    `billed $${billed}, project reports $${result.totalCostUsd}, budget ${JSON.stringify(result.budget)}`,
    result.scenes.map((s) => `${s.sceneId}:${s.phase}:${s.provider ?? '-'}:$${s.costUsd}:${s.allowanceUsd ?? '-'}`),
  );
  // What the project itself reports it spent must stay within its budget (the money s0 bills counts in its total).
  expect(result.totalCostUsd).toBeLessThanOrEqual(1);
  expect(billed).toBeLessThanOrEqual(1);
}, 120_000);
