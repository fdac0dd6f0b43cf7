/**
 * A budgeted project on a real worker process that is SIGKILLed mid-run, replaced by one that caches no workflow
 * (WORKER_MAX_CACHED_WORKFLOWS=0: every workflow task replays the whole history). The run must finish, pay once per
 * scene and stay within its budget. Before every patch was decided ahead of prepareProject, the markers written after
 * the local activity landed in the next workflow task, the replacement worker read them as absent ("Non-deprecated
 * patch marker encountered for change unambiguous-scene-ids") and the project was stuck for good.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { startProjectVideos, waitForProjectVideos } from '../../src/client';
import { getProjectProgress } from '../../src/contract/project-workflow';
import { sandboxBilledUsd } from '../helpers/sandbox-billing';
import { connectClient, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';
import { spawnTestWorker } from '../helpers/worker-process';

let sandbox: Sandbox;
let conn: Awaited<ReturnType<typeof connectClient>>;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: { default: { queueMs: 100, renderMs: 3_000 } } });
  conn = await connectClient();
});
afterAll(async () => {
  await conn?.connection.close();
  await sandbox?.close();
});

it('a budgeted project survives a worker SIGKILL and full replays, paying once per scene within its budget', async () => {
  const taskQueue = uniqueTaskQueue('restart');
  const first = spawnTestWorker({ taskQueue, sandbox });
  const second: ReturnType<typeof spawnTestWorker>[] = [];
  try {
    const projectId = `restart-${taskQueue}`.slice(0, 60);
    const { workflowId, handle } = await startProjectVideos(
      conn.client,
      {
        projectId,
        // Three 10 s testimonial scenes at Kling's $0.40, the best-ranked provider for them.
        budgetUsd: 1.2,
        maxConcurrentScenes: 2,
        polling: { intervalMs: 300, providerDeadlineMs: 120_000 },
        scenes: Array.from({ length: 6 }, (_, i) => ({
          sceneId: `s${i}`,
          sceneType: 'testimonial',
          prompt: 'Opening shot over a city skyline at dawn',
          durationSec: 10,
          aspectRatio: '16:9' as const,
        })),
      },
      { taskQueue },
    );
    await waitFor(async () => {
      const p = await handle.query(getProjectProgress);
      return p.counts.running === 2 ? true : undefined;
    }, 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    await first.kill();
    second.push(spawnTestWorker({ taskQueue, sandbox, extraEnv: { WORKER_MAX_CACHED_WORKFLOWS: '0' } }));
    const result = await Promise.race([
      waitForProjectVideos(conn.client, workflowId),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('project stuck after 100 s')), 100_000)),
    ]).catch(async (err: unknown) => {
      const p = await handle.query(getProjectProgress).catch((e: unknown) => String(e));
      const d = await handle.describe();
      console.log('STUCK', JSON.stringify(p).slice(0, 3000), JSON.stringify(d.raw.pendingActivities).slice(0, 2000));
      console.log('WORKER2', second[0]!.output().slice(-6000));
      throw err;
    });
    const billed = await sandboxBilledUsd(sandbox);
    const output = second[0]!.output();
    console.log(
      `billed $${billed}; tasks ${sandbox.stats().tasks.length}; counts ${JSON.stringify(result.counts)}; budget ${JSON.stringify(result.budget)}`,
    );
    expect(output).not.toMatch(/[Nn]ondeterminism|DeterminismViolation/);
    expect(billed).toBeLessThanOrEqual(1.2);
    expect(result.counts.succeeded).toBe(3);
    expect(sandbox.stats().tasks.length).toBe(3);
    expect(result.totalCostUsd).toBeCloseTo(billed, 6);
  } finally {
    await first.kill();
    for (const w of second) {
      await w.stop();
    }
  }
}, 180_000);
