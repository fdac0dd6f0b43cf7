import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProjectProgress, startProjectVideos, waitForProjectVideos } from '../../src/client';
import { defaultCatalogue } from '../../src/config/catalogue';
import { generateSceneVideo } from '../../src/workflows';
import { getProgress } from '../../src/contract/scene-workflow';
import { getProjectProgress as projectQuery, type ProjectProgress } from '../../src/contract/project-workflow';
import type { ProjectInput } from '../../src/contract/project-input';
import { sceneWorkflowId } from '../../src/contract/workflow-ids';
import { jsonOf, runCli, stackEnv } from '../cli/run-cli';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { waitFor } from '../helpers/wait-for';

let h: SceneHarness;
beforeAll(async () => {
  // Kling bills even a failed task, so a failing scene commits money the project must record.
  const catalogue = defaultCatalogue.map((p) => (p.key === 'kling' ? { ...p, billing: 'always' as const } : p));
  h = await startSceneHarness({ catalogue, scenario: { default: { queueMs: 100, renderMs: 500 } } });
});
afterAll(async () => {
  await h?.close();
});

const polling = { intervalMs: 200, providerDeadlineMs: 120_000 };
const uid = () => Math.random().toString(36).slice(2, 8);
/** Remote tasks the sandbox still has unfinished (PiAPI lower-case, Runway upper-case). */
const unfinished = new Set(['pending', 'processing', 'staged', 'PENDING', 'THROTTLED', 'RUNNING']);

// testimonial ranks Kling first (held queued here, so its cancel is allowed); the Runway-only scenes are rendering when
// the cancel arrives (Runway cancels a running task; its estimate is committed).
function cancelScenes(n: number): ProjectInput['scenes'] {
  return Array.from({ length: n }, (_, i) => ({
    sceneId: `c${i}`,
    sceneType: 'testimonial',
    prompt: `Customer ${i} smiles`,
    durationSec: 5,
    aspectRatio: '16:9' as const,
    ...(i % 2 === 1 && { allowedProviders: ['runway'] }),
  }));
}

async function sceneCostsAndStatuses(projectId: string, sceneIds: string[]) {
  return Promise.all(
    sceneIds.map(async (id) => {
      const handle = h.client.workflow.getHandle(sceneWorkflowId(id, projectId));
      const status = (await handle.describe()).status.name;
      return { id, status, costUsd: (await handle.query(getProgress)).totalCostUsd };
    }),
  );
}

describe('project cancellation', () => {
  for (const [label, total] of [
    ['with scenes still pending', 6],
    ['when every scene is already running', 4],
  ] as const) {
    it(`cancels its generating scenes and their remote tasks, ends CANCELLED with the money committed (${label})`, async () => {
      h.sandbox.reset();
      h.sandbox.setScenario({
        default: { queueMs: 100, renderMs: 500 },
        models: {
          [sandboxKey('kling')]: { queueMs: 120_000, renderMs: 500 },
          [sandboxKey('runway')]: { queueMs: 100, renderMs: 120_000 },
        },
      });
      const projectId = `pcancel-${uid()}`;
      const scenes = cancelScenes(total);
      const { workflowId, handle } = await startProjectVideos(
        h.client,
        { projectId, maxConcurrentScenes: 4, polling, scenes },
        { taskQueue: h.taskQueue },
      );
      // Four scenes generating: each has its remote task, the Runway ones rendering.
      await waitFor(async () => {
        const p = await getProjectProgress(h.client, workflowId);
        const live = Object.values(p.live);
        const rendering = live.filter((l) => l.attempts[0]?.state === 'running').length;
        return live.filter((l) => l.attempts[0]?.taskId).length === 4 && rendering === 2;
      }, 30_000);
      const cancelAt = Date.now();
      await handle.cancel();

      const err = await handle.result().catch((e: unknown) => e);
      const settledMs = Date.now() - cancelAt;
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      const description = await handle.describe();
      expect(description.status.name).toBe('CANCELLED');

      const started = scenes.slice(0, 4).map((s) => s.sceneId);
      const children = await sceneCostsAndStatuses(projectId, started);
      expect(children.map((c) => c.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED']);

      const stats = h.sandbox.stats();
      expect(stats.tasks).toHaveLength(4);
      expect(stats.tasks.filter((t) => unfinished.has(t.status))).toEqual([]);
      expect(new Set(stats.deletes)).toEqual(new Set(stats.tasks.map((t) => t.taskId)));

      const progress: ProjectProgress = await handle.query(projectQuery);
      const committed = children.reduce((sum, c) => sum + c.costUsd, 0);
      expect(committed).toBeGreaterThan(0); // the two Runway renders were cancelled mid-render
      expect(progress.totalCostUsd).toBeCloseTo(committed, 6);
      for (const c of children)
        expect(progress.scenes.find((s) => s.sceneId === c.id)).toMatchObject({
          phase: 'cancelled',
          costUsd: c.costUsd,
        });
      expect(progress.counts).toMatchObject({ cancelled: total, running: 0, pending: 0, failed: 0 });
      const memo = description.memo?.cancelled as { totalCostUsd: number } | undefined;
      expect(memo?.totalCostUsd).toBeCloseTo(committed, 6);

      const cost = await waitFor(async () => {
        const run = jsonOf(
          await runCli(['cost', '--since', '30m', '--project', projectId, '--json'], stackEnv(h.taskQueue)),
        );
        return run.total.scenes === 4 ? run : undefined;
      }, 20_000);
      expect(cost.total.usd).toBeCloseTo(progress.totalCostUsd, 6);
      console.log(
        `project cancel (${label}): ${stats.deletes.length} cancel calls, 0 of ${stats.tasks.length} remote tasks left running, ` +
          `$${progress.totalCostUsd} committed = cost --project $${cost.total.usd}; cancelled in ${settledMs} ms`,
      );

      // A re-run starts afresh (the project is not COMPLETED) and generates the cancelled scenes.
      h.sandbox.setScenario({ default: { queueMs: 100, renderMs: 300 } });
      const again = await startProjectVideos(
        h.client,
        { projectId, maxConcurrentScenes: 4, polling, scenes },
        {
          taskQueue: h.taskQueue,
        },
      );
      expect(again.started).toBe(true);
      const rerun = await waitForProjectVideos(h.client, again.workflowId);
      expect(rerun.counts).toMatchObject({ succeeded: total, failed: 0, cancelled: 0 });
    });
  }
});

describe('a scene with the same id as a project scene', () => {
  const failing = (sceneId: string) => ({
    sceneId,
    sceneType: 'testimonial',
    prompt: 'A customer tells her story',
    durationSec: 5,
    aspectRatio: '16:9' as const,
    allowedProviders: ['kling'],
  });
  /** A fresh sandbox where Kling fails every task at the end of a `renderMs` render. */
  const klingFailsAfter = (renderMs: number) => {
    h.sandbox.reset();
    h.sandbox.setScenario({
      default: { queueMs: 100, renderMs: 500 },
      models: {
        [sandboxKey('kling')]: {
          queueMs: 100,
          renderMs,
          faults: [{ kind: 'task_failed', message: 'render crashed' }],
        },
      },
    });
  };
  /** The scene as an earlier run (or a pipeline) started it, under the id the project gives it. */
  const startEarlierScene = (scene: ReturnType<typeof failing>, projectId: string) =>
    h.client.workflow.start(generateSceneVideo, {
      taskQueue: h.taskQueue,
      workflowId: sceneWorkflowId(scene.sceneId, projectId),
      args: [{ ...scene, projectId, polling }],
    });

  it('failing while the project waits on it: the project records it failed with its cost, and finishes', async () => {
    klingFailsAfter(3_000);
    const projectId = `pstale-${uid()}`;
    const scene = failing('stale');
    // An earlier run (or a pipeline) started this scene; it is still running when the project starts.
    const sceneHandle = await startEarlierScene(scene, projectId);
    const t0 = Date.now();
    const { workflowId } = await startProjectVideos(
      h.client,
      { projectId, polling, scenes: [scene] },
      { taskQueue: h.taskQueue },
    );
    const result = await waitFor(
      () =>
        waitForProjectVideos(h.client, workflowId).then(
          (r) => r,
          () => undefined,
        ),
      60_000,
    );
    const seconds = (Date.now() - t0) / 1000;
    const own = await sceneHandle.query(getProgress);
    expect(own.phase).toBe('failed');
    expect(result.scenes[0]).toMatchObject({ phase: 'failed', costUsd: own.totalCostUsd });
    expect(own.totalCostUsd).toBeGreaterThan(0);
    expect(result.scenes[0]!.error).toMatch(/every provider failed.*render crashed/);
    expect(result.counts).toMatchObject({ failed: 1, running: 0 });
    console.log(`project whose scene failed while attached finished in ${seconds.toFixed(1)} s`);
  }, 90_000);

  it('already failed before the project started: the project starts it afresh and finishes', async () => {
    klingFailsAfter(300);
    const projectId = `pfailed-${uid()}`;
    const scene = failing('old');
    const sceneHandle = await startEarlierScene(scene, projectId);
    await expect(sceneHandle.result()).rejects.toThrow();
    const firstRun = (await sceneHandle.describe()).runId;
    h.sandbox.setScenario({ default: { queueMs: 100, renderMs: 300 } });
    const t0 = Date.now();
    const { workflowId } = await startProjectVideos(
      h.client,
      { projectId, polling, scenes: [scene] },
      { taskQueue: h.taskQueue },
    );
    const result = await waitForProjectVideos(h.client, workflowId);
    expect(result.scenes[0]).toMatchObject({ phase: 'succeeded', provider: 'kling' });
    expect((await h.client.workflow.getHandle(sceneHandle.workflowId).describe()).runId).not.toBe(firstRun);
    console.log(`project whose scene had already failed finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });
});
