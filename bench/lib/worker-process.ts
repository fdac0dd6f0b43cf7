import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Sandbox } from '../../dev/sandbox';
import { workerEnv, workerStackOf } from '../../dev/harness/worker-env';
import { startWorkerProcess, type WorkerEntry, type WorkerProcess } from '../../dev/harness/worker-process';
import { freePort } from '../../dev/stack/free-port';
import type { Stack } from '../../dev/stack/stack';
import type { ProviderRoute } from '../../src/contract/provider-task';

export type { WorkerProcess };

/** The scene worker, the baseline worker of B1 and/or B9's polling shapes, on one connection. */
const benchWorker: WorkerEntry = { path: join(__dirname, 'worker-main.ts'), readyLine: 'bench worker ready' };

export interface WorkerProcessOptions {
  stack: Stack;
  /** The sandbox both provider APIs point at. */
  sandbox: Sandbox;
  /** Runs the scene worker (`createSceneWorker`) on this queue. */
  sceneQueue?: string;
  /** Runs the baseline worker on this queue, with the scene worker's settings. */
  baselineQueue?: string;
  /** Runs B9's polling shapes (bench/b9) on this queue, with the scene worker's settings. */
  shapesQueue?: string;
  /** Where the shapes worker writes its activity slot use (bench/b9/activities.ts). */
  slotsFile?: string;
  /** Passed to the worker factory; its default (200) applies when absent. */
  maxConcurrentActivityTaskExecutions?: number;
  /** WORKER_METRICS_ADDRESS: the worker exports Prometheus metrics there, as a deployed one does. None by default. */
  metricsAddress?: string;
  /** More worker variables, e.g. SCENE_VIDEO_CATALOGUE. */
  env?: Record<string, string>;
  /** The provider APIs the worker is configured for; both by default. */
  providers?: ProviderRoute[];
  /**
   * Webhooks first: the worker serves the receiver on a free port (WEBHOOK_PORT) and registers it (WEBHOOK_PUBLIC_URL)
   * with every PiAPI task; `backstopSec` sets WEBHOOK_BACKSTOP_POLL_SEC, the worker's default when absent.
   */
  webhooks?: { backstopSec?: number };
}

async function webhookEnv(webhooks: { backstopSec?: number }): Promise<NodeJS.ProcessEnv> {
  const port = await freePort();
  return {
    WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    WEBHOOK_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_PORT: String(port),
    ...(webhooks.backstopSec === undefined ? {} : { WEBHOOK_BACKSTOP_POLL_SEC: String(webhooks.backstopSec) }),
  };
}

/**
 * A worker in its own process, configured through the same environment as `src/worker/main.ts`, so its CPU and RSS can be
 * read from /proc apart from the sandbox and the load generator.
 */
export async function spawnWorker(opts: WorkerProcessOptions): Promise<WorkerProcess> {
  return startWorkerProcess({
    entry: benchWorker,
    env: {
      ...workerEnv(workerStackOf(opts.stack), opts.sandbox, { providers: opts.providers }),
      ...(opts.webhooks ? await webhookEnv(opts.webhooks) : {}),
      BENCH_SCENE_QUEUE: opts.sceneQueue ?? '',
      BENCH_BASELINE_QUEUE: opts.baselineQueue ?? '',
      BENCH_SHAPES_QUEUE: opts.shapesQueue ?? '',
      BENCH_SLOTS_FILE: opts.slotsFile ?? '',
      // As quiet as a worker can be: a workflow's info lines would cost CPU per scene.
      LOG_LEVEL: 'WARN',
      WORKER_METRICS_ADDRESS: opts.metricsAddress ?? '',
      ...(opts.maxConcurrentActivityTaskExecutions
        ? { WORKER_MAX_CONCURRENT_ACTIVITIES: String(opts.maxConcurrentActivityTaskExecutions) }
        : {}),
      ...opts.env,
    },
    readyTimeoutMs: 180_000,
  });
}
