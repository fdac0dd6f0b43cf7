/**
 * Attack on issue #12 defect 4/6 (a project records what each scene committed). A scene ended by an operator with
 * `terminate` (not cancel) after its provider task was created is recorded by the project as failed with costUsd 0:
 * failedSceneFields() only reads a cost from an ApplicationFailure's details, and a terminated child has none (the
 * cancelled path asks the scene's own query; the terminated path does not). The remote task keeps rendering and is
 * billed; the project's totalCostUsd (and the scene row) under-reports what the providers billed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startProjectVideos, waitForProjectVideos } from '../../src/client';
import { getProgress } from '../../src/workflows/definitions';
import { sandboxBilledUsd } from '../helpers/sandbox-billing';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { waitFor } from '../helpers/wait-for';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness({ scenario: { default: { queueMs: 50, renderMs: 2_500 } } });
});
afterAll(async () => {
  await h?.close();
});

it("a project's total includes what a terminated scene committed", async () => {
  h.sandbox.reset();
  const projectId = `atk-${randomUUID().slice(0, 8)}`;
  const { workflowId } = await startProjectVideos(
    h.client,
    {
      projectId,
      budgetUsd: 5,
      polling: { intervalMs: 200, providerDeadlineMs: 60_000 },
      scenes: [{ sceneId: 's0', sceneType: 'broll', prompt: 'Calm office scene', durationSec: 5, aspectRatio: '16:9' }],
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
}, 90_000);
