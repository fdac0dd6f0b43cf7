/**
 * A scene started on its own after the project's one-time lookup of existing scene runs: the child start then meets
 * that run (WorkflowExecutionAlreadyStarted). The project used to wait on it without checking it against the ledger:
 * a run with no maxCostUsd (Runway, $1.20) billed past a $1 budget, and one that had succeeded (Veo, more than the
 * scene's allowance) was read as an overrun that stopped the project. It now looks that one scene up again and decides
 * as for a run found by the lookup: left alone (skipped) when its exposure does not fit, counted at its cost once done.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startProjectVideos, startSceneVideo, waitForProjectVideos, waitForSceneVideo } from '../../src/client';
import { getProjectProgress } from '../../src/contract/project-workflow';
import { fastPolling, hookProject, hookScene, sceneRows } from '../helpers/budget-project';
import { sandboxBilledUsd } from '../helpers/sandbox-billing';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { waitFor } from '../helpers/wait-for';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness({
    // The project's first scene renders for 2.5 s: the standalone scene starts (and, on Veo, ends) meanwhile.
    scenario: {
      default: { queueMs: 50, renderMs: 2_500 },
      models: { [sandboxKey('runway')]: { renderMs: 8_000 }, [sandboxKey('veo')]: { renderMs: 100 } },
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const project = (projectId: string) =>
  hookProject(projectId, ['s0', 's1', 's2'], { budgetUsd: 1, maxConcurrentScenes: 1 });

/** Starts the project and waits until its lookup is behind it (its first scene runs) and s1 still waits. */
async function projectPastLookup(projectId: string) {
  const { workflowId } = await startProjectVideos(h.client, project(projectId), { taskQueue: h.taskQueue });
  const handle = h.client.workflow.getHandle(workflowId);
  await waitFor(async () => {
    const p = await handle.query(getProjectProgress).catch(() => undefined);
    return p?.scenes[0]?.phase === 'running' && p.scenes[1]?.phase === 'pending' ? true : undefined;
  }, 30_000);
  return { workflowId, handle };
}

it('a run with no maxCostUsd (Runway, $1.20) started after the lookup is left alone: the project stays within $1', async () => {
  h.sandbox.reset();
  const projectId = `late-${randomUUID().slice(0, 8)}`;
  const { workflowId } = await projectPastLookup(projectId);
  const solo = await startSceneVideo(
    h.client,
    { ...hookScene('s1'), projectId, polling: fastPolling },
    { taskQueue: h.taskQueue },
  );
  const result = await waitForProjectVideos(h.client, workflowId);
  const soloCost = (await waitForSceneVideo(h.client, solo.workflowId)).totalCostUsd;
  const billed = await sandboxBilledUsd(h.sandbox);
  console.log(`billed $${billed} (standalone s1 $${soloCost}), project $${result.totalCostUsd}`, sceneRows(result));
  expect(soloCost).toBeGreaterThan(1);
  expect(result.totalCostUsd).toBeLessThanOrEqual(1);
  expect(billed - soloCost).toBeLessThanOrEqual(1);
  const s1 = result.scenes[1]!;
  expect(s1).toMatchObject({ phase: 'skipped', budget: 'skipped', costUsd: 0, workflowId: solo.workflowId });
  expect(s1.error).toMatch(/may bill up to \$\d.*not attached/);
  expect(result.budget?.stopped).toBeUndefined();
  expect(result.budget?.spentUsd).toBeCloseTo(result.totalCostUsd, 6);
}, 120_000);

it('a run that succeeded after the lookup (Veo, above a project allowance) counts at its cost, not as an overrun', async () => {
  h.sandbox.reset();
  const projectId = `late-${randomUUID().slice(0, 8)}`;
  const { workflowId, handle } = await projectPastLookup(projectId);
  const solo = await startSceneVideo(
    h.client,
    { ...hookScene('s1'), projectId, polling: fastPolling, preferredProvider: 'veo', maxCostUsd: 0.96 },
    { taskQueue: h.taskQueue },
  );
  const earlier = await waitForSceneVideo(h.client, solo.workflowId);
  // The standalone run ended before the project reached s1 (its child start meets a succeeded run).
  expect((await handle.query(getProjectProgress)).scenes[1]?.phase).toBe('pending');
  const result = await waitForProjectVideos(h.client, workflowId);
  const billed = await sandboxBilledUsd(h.sandbox);
  console.log(
    `earlier $${earlier.totalCostUsd}; billed $${billed}, project $${result.totalCostUsd}, budget ${JSON.stringify(result.budget)}`,
    sceneRows(result),
  );
  expect(earlier.totalCostUsd).toBeGreaterThan(0.2);
  const s1 = result.scenes[1]!;
  expect(s1).toMatchObject({ phase: 'succeeded', costUsd: earlier.totalCostUsd, workflowId: solo.workflowId });
  expect(s1.budget).toBeUndefined();
  expect(result.budget?.stopped).toBeUndefined();
  expect(result.budget?.priorUsd).toBe(earlier.totalCostUsd);
  expect(result.budget?.spentUsd).toBeCloseTo(result.totalCostUsd, 6);
  expect(billed).toBeCloseTo(result.totalCostUsd, 6);
}, 120_000);
