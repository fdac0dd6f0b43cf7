import { randomUUID } from 'node:crypto';
import type { baselineWorkflow } from '../test/fixtures/bench/workflows';
import { awaitResults } from './lib/await-results';
import type { Benchmark } from './lib/benchmark';
import { mapLimit } from './lib/concurrency';
import { figure, medianFigure } from './lib/figures';
import { events, fetchHistories, stallOf, type Stall } from './lib/histories';
import { ProcMonitor, type ProcUsage } from './lib/proc';
import { step } from './lib/progress';
import { withRig, type Rig } from './lib/rig';
import { benchScene, startScenes } from './lib/scenes';
import { round, summarize } from './lib/stats';
import { persistenceRequests } from '../dev/stack/server-metrics';
import { spawnWorker } from './lib/worker-process';
import { scrapeMetrics, sumOf } from '../dev/stack/prometheus-scrape';
import { freePort } from '../dev/stack/free-port';
import { pipelineMetrics } from '../src/contract/metrics';

/** `metered`: scenes on a second worker process that exports metrics (WORKER_METRICS_ADDRESS), scraped meanwhile. */
type Kind = 'scene' | 'baseline' | 'metered';

interface Batch {
  kind: Kind;
  n: number;
  seconds: number;
  perSec: number;
  /** Completions between the 10th and the 90th percentile over the time between them: the rate without the tail. */
  middlePerSec: number;
  /** Seconds from the first start until half, 90 % and all of the batch had finished. */
  doneAt: { p50: number; p90: number; p100: number };
  failed: number;
  /** The three slowest workflows: where their histories were quiet, and any retry or workflow task trouble. */
  slowest: (Stall & { workflowId: string; seconds: number })[];
  /** A few of the batch's workflow ids, to count their history events. */
  sampleIds: string[];
  usage: Record<string, ProcUsage>;
  /** The dev server's database operations per workflow of the batch, by operation. */
  persistencePerWorkflow: Record<string, number>;
  /** Metered batches: the worker's /metrics read every few seconds meanwhile, as a Prometheus server would. */
  scrapes?: { count: number; medianMs?: number; samples: number };
}

/** Each kind's task queue, and the processes to watch while it runs (its worker as `worker`). */
interface Setup {
  rig: Rig;
  queues: Record<Kind, string>;
  pids: Record<Kind, Record<string, number>>;
  metricsUrl: string;
}

const warmUp = 50;

/** More often than Prometheus's default 15 s, so that scraping weighs on the metered figures if it weighs at all. */
const scrapeIntervalMs = 5_000;

/** Reads the metrics endpoint on a clock until stopped; a failed scrape fails the batch. */
function scrapeEvery(url: string) {
  const durations: number[] = [];
  let samples = 0;
  let failure: unknown;
  const timer = setInterval(() => {
    const began = performance.now();
    scrapeMetrics(url).then(
      (scraped) => {
        durations.push(performance.now() - began);
        samples = scraped.length;
      },
      (err: unknown) => (failure ??= err),
    );
  }, scrapeIntervalMs);
  return () => {
    clearInterval(timer);
    if (failure !== undefined) throw failure;
    const medianMs = durations.length === 0 ? undefined : round(summarize(durations).median, 1);
    return { count: durations.length, medianMs, samples };
  };
}

/** Starts n workflows, waits for every result; the clock runs from the first start to the last result. */
async function runBatch({ rig, queues, pids, metricsUrl }: Setup, kind: Kind, n: number) {
  const persistenceBefore = await persistenceRequests(rig.stack.temporal.metricsUrl);
  const monitor = new ProcMonitor(pids[kind]).start();
  const stopScraping = kind === 'metered' ? scrapeEvery(metricsUrl) : undefined;
  const startedMs = Date.now();
  const handles: { workflowId: string; result(): Promise<unknown> }[] =
    kind !== 'baseline'
      ? await startScenes(
          rig.client,
          queues[kind],
          Array.from({ length: n }, () => benchScene({ polling: { intervalMs: 100, providerDeadlineMs: 120_000 } })),
        )
      : await mapLimit(Array.from({ length: n }), 32, () => {
          const id = `base-${randomUUID().slice(0, 12)}`;
          return rig.client.workflow.start<typeof baselineWorkflow>('baselineWorkflow', {
            taskQueue: queues.baseline,
            workflowId: id,
            args: [id],
          });
        });
  const outcomes = await awaitResults(rig.client, handles, { label: `B1 ${kind}` });
  const usage = monitor.stop();
  const scrapes = stopScraping?.();
  const persistenceAfter = await persistenceRequests(rig.stack.temporal.metricsUrl);
  const done = outcomes.map((o) => (o.doneMs - startedMs) / 1000).sort((a, b) => a - b);
  const at = (q: number) => done[Math.min(done.length - 1, Math.floor(q * done.length))]!;
  const seconds = done[done.length - 1]!;
  const slowIds = [...outcomes].sort((a, b) => b.doneMs - a.doneMs).slice(0, 3);
  const slowHistories = await fetchHistories(
    rig.client,
    slowIds.map((o) => o.workflowId),
  );
  const batch: Batch = {
    kind,
    n,
    seconds,
    perSec: n / seconds,
    middlePerSec: (0.8 * n) / (at(0.9) - at(0.1)),
    doneAt: { p50: at(0.5), p90: at(0.9), p100: seconds },
    failed: outcomes.filter((o) => !o.ok).length,
    slowest: slowIds.map((o, i) => ({
      workflowId: o.workflowId,
      seconds: (o.doneMs - startedMs) / 1000,
      ...stallOf(slowHistories[i]!),
    })),
    sampleIds: handles.slice(0, 5).map((h) => h.workflowId),
    usage,
    persistencePerWorkflow: Object.fromEntries(
      Object.entries(persistenceAfter).map(([op, count]) => [op, round((count - (persistenceBefore[op] ?? 0)) / n, 2)]),
    ),
    scrapes,
  };
  const slow = batch.slowest[0];
  step(
    `  B1 ${kind}: ${n} in ${seconds.toFixed(1)} s = ${batch.perSec.toFixed(1)}/s (50 % done at ` +
      `${batch.doneAt.p50.toFixed(1)} s, 90 % at ${batch.doneAt.p90.toFixed(1)} s)` +
      `${batch.failed ? `, ${batch.failed} FAILED` : ''}; worker CPU ${usage.worker?.cpuPercentAvg.toFixed(0)} %, ` +
      `dev server CPU ${usage.temporal?.cpuPercentAvg.toFixed(0)} %; slowest waited ` +
      `${((slow?.longestGapMs ?? 0) / 1000).toFixed(1)} s between ${slow?.gapAfter} and ${slow?.gapBefore}`,
  );
  return batch;
}

const cpu = (batches: Batch[], proc: string) => batches.map((b) => b.usage[proc]?.cpuPercentAvg ?? 0);
const persistenceOps = (batches: Batch[], operation?: string) =>
  batches.map((b) =>
    operation === undefined
      ? Object.values(b.persistencePerWorkflow).reduce((sum, v) => sum + v, 0)
      : (b.persistencePerWorkflow[operation] ?? 0),
  );
/** CPU time a process spent per workflow of the batch: what one more workflow costs it. */
const cpuMsPer = (batches: Batch[], proc: string) =>
  batches.map((b) => (((b.usage[proc]?.cpuPercentAvg ?? 0) / 100) * b.seconds * 1000) / b.n);

export const b1: Benchmark = {
  id: 'B1',
  title: 'Orchestration throughput: scene workflow vs a three-activity baseline',
  async run({ quick }) {
    const targetSeconds = quick ? 10 : 30;
    // An even count: the dev server slows as its database grows, so the second batch of a repeat is at a disadvantage,
    // and alternating the order cancels that out only when each kind goes second equally often.
    const repeats = quick ? 2 : 4;
    return withRig({ default: { queueMs: 0, renderMs: 0, latencyMs: 0 } }, async (rig) => {
      const queues = {
        scene: `b1-scene-${randomUUID().slice(0, 8)}`,
        baseline: `b1-base-${randomUUID().slice(0, 8)}`,
        metered: `b1-metered-${randomUUID().slice(0, 8)}`,
      };
      const metricsAddress = `127.0.0.1:${await freePort()}`;
      step('B1: starting the worker processes (scene + baseline workers, same settings; a scene worker with metrics)…');
      const [worker, metered] = await Promise.all([
        spawnWorker({ ...rig, sceneQueue: queues.scene, baselineQueue: queues.baseline }),
        spawnWorker({ ...rig, sceneQueue: queues.metered, metricsAddress }),
      ]);
      const others = {
        temporal: rig.stack.temporal.process.pid,
        s3: rig.stack.s3.process.pid,
        'bench (client + sandbox)': process.pid,
      };
      const setup: Setup = {
        rig,
        queues,
        pids: {
          scene: { worker: worker.pid, ...others },
          baseline: { worker: worker.pid, ...others },
          metered: { worker: metered.pid, ...others },
        },
        metricsUrl: `http://${metricsAddress}/metrics`,
      };
      try {
        step('B1: warm-up (not timed)…');
        for (const kind of ['scene', 'baseline', 'metered'] as const) await runBatch(setup, kind, warmUp);
        step('B1: calibrating N…');
        const probe = await runBatch(setup, 'scene', quick ? 100 : 200);
        // Headroom over the target: batches of the same N vary by ±50 % here, and each must still last ≥ 30 s.
        const n = Math.max(200, Math.ceil((probe.perSec * targetSeconds * 1.5) / 50) * 50);
        step(`B1: N = ${n} (aiming at ≥ ${targetSeconds} s per scene batch), ${repeats} repeats`);

        const batches: Record<Kind, Batch[]> = { scene: [], baseline: [], metered: [] };
        for (let rep = 0; rep < repeats; rep++) {
          // Alternating the order cancels a slow drift (a growing server database) out of the ratios: scene and
          // baseline swap as before, and the metered batch goes first or last, on the far side of the scene batch.
          const order: Kind[] = rep % 2 === 0 ? ['scene', 'baseline', 'metered'] : ['metered', 'baseline', 'scene'];
          for (const kind of order) {
            step(`B1: repeat ${rep + 1}/${repeats}, ${kind} batch of ${n}…`);
            batches[kind].push(await runBatch(setup, kind, n));
          }
        }
        const { scene: scenes, baseline: baselines, metered: meteredScenes } = batches;
        const ratios = scenes.map((s, i) => s.perSec / baselines[i]!.perSec);
        // Every scene the metered worker ran, the warm-up's too, counted by its own exporter.
        const meteredRan = warmUp + meteredScenes.reduce((sum, b) => sum + b.n, 0);
        const meteredCounted = sumOf(await scrapeMetrics(setup.metricsUrl), pipelineMetrics.scenes.name);
        const historyLength = async (batches: Batch[]) =>
          (
            await fetchHistories(
              rig.client,
              batches.flatMap((b) => b.sampleIds),
            )
          ).map((h) => events(h).length);
        const failed = [...scenes, ...baselines, ...meteredScenes].reduce((sum, b) => sum + b.failed, 0);
        return {
          figures: [
            medianFigure(
              'scene throughput',
              scenes.map((b) => b.perSec),
              'scenes/s',
              { digits: 1 },
            ),
            medianFigure(
              'baseline throughput',
              baselines.map((b) => b.perSec),
              'workflows/s',
              { digits: 1 },
            ),
            medianFigure('scene / baseline throughput', ratios, 'ratio', { target: { op: '>=', value: 0.8 } }),
            medianFigure(
              'scene / baseline throughput without the tail (10th–90th percentile)',
              scenes.map((s, i) => s.middlePerSec / baselines[i]!.middlePerSec),
              'ratio',
            ),
            figure('shortest scene batch', Math.min(...scenes.map((b) => b.seconds)), 's', {
              digits: 1,
              target: quick ? undefined : { op: '>=', value: 30 },
              note: `N = ${n}`,
            }),
            medianFigure('worker CPU during scene batches', cpu(scenes, 'worker'), '% of a core', { digits: 0 }),
            medianFigure('worker CPU during baseline batches', cpu(baselines, 'worker'), '% of a core', { digits: 0 }),
            medianFigure('dev server CPU during scene batches', cpu(scenes, 'temporal'), '% of a core', { digits: 0 }),
            medianFigure('dev server CPU during baseline batches', cpu(baselines, 'temporal'), '% of a core', {
              digits: 0,
            }),
            medianFigure('dev server CPU time per scene', cpuMsPer(scenes, 'temporal'), 'ms', { digits: 1 }),
            medianFigure('dev server CPU time per baseline workflow', cpuMsPer(baselines, 'temporal'), 'ms', {
              digits: 1,
            }),
            medianFigure('dev server database operations per scene', persistenceOps(scenes), 'operations', {
              digits: 1,
            }),
            medianFigure(
              'dev server database operations per baseline workflow',
              persistenceOps(baselines),
              'operations',
              {
                digits: 1,
              },
            ),
            medianFigure(
              'dev server reads of the search-attribute metadata per scene',
              persistenceOps(scenes, 'GetCurrentClusterMetadata'),
              'reads',
              { digits: 2 },
            ),
            medianFigure('worker CPU time per scene', cpuMsPer(scenes, 'worker'), 'ms', { digits: 1 }),
            medianFigure('worker CPU time per baseline workflow', cpuMsPer(baselines, 'worker'), 'ms', { digits: 1 }),
            medianFigure('history events per scene workflow', await historyLength(scenes), 'events', { digits: 0 }),
            medianFigure('history events per baseline workflow', await historyLength(baselines), 'events', {
              digits: 0,
            }),
            medianFigure(
              'scene throughput, metrics on (WORKER_METRICS_ADDRESS, scraped every 5 s)',
              meteredScenes.map((b) => b.perSec),
              'scenes/s',
              { digits: 1 },
            ),
            medianFigure(
              'scene throughput, metrics on / off',
              meteredScenes.map((m, i) => m.perSec / scenes[i]!.perSec),
              'ratio',
            ),
            medianFigure('worker CPU time per scene, metrics on', cpuMsPer(meteredScenes, 'worker'), 'ms', {
              digits: 1,
            }),
            medianFigure(
              'worker CPU time per scene, metrics on / off',
              cpuMsPer(meteredScenes, 'worker').map((on, i) => on / cpuMsPer(scenes, 'worker')[i]!),
              'ratio',
            ),
            medianFigure(
              'metrics scrape time (whole /metrics of the metrics-on worker)',
              meteredScenes.flatMap((b) => b.scrapes?.medianMs ?? []),
              'ms',
              { digits: 1, note: `${meteredScenes.at(-1)?.scrapes?.samples ?? 0} samples in the last scrape` },
            ),
            figure(
              'scenes the metrics-on worker counted (scene_video_scenes_total) / ran',
              meteredCounted / meteredRan,
              'ratio',
              {
                note: `${meteredCounted} of ${meteredRan}`,
              },
            ),
            figure('failed workflows', failed, 'count', { target: { op: '<=', value: 0 } }),
          ],
          details: {
            n,
            calibration: { n: probe.n, perSec: round(probe.perSec, 2) },
            scenes,
            baselines,
            metered: meteredScenes,
            meteredCounted: { scenes: meteredCounted, ran: meteredRan },
          },
          notes: [
            `Sandbox providers answer instantly (queueMs 0, renderMs 0, latencyMs 0); scenes poll every 100 ms and ` +
              `store the sandbox's small clip in S3. The baseline workflow (test/fixtures/bench/workflows.ts) runs three ` +
              `no-op activities. Both run in one worker process with the settings of createSceneWorker.`,
            `Each batch starts N workflows (32 starts in flight) and waits for every result; throughput = ` +
              `N / (last result − first start). Ratio = scene/baseline per repeat, median over ${repeats}. The ` +
              `tail-free ratio uses the completions between the 10th and 90th percentile instead, to show how much ` +
              `of the gap is a few slow workflows (details.scenes[].slowest says where their histories were quiet).`,
            `A scene is a local activity (prepareScene: validation and provider setup) and three activities ` +
              `(createTask, pollStatus, uploadToS3) doing one HTTP create, one poll, one download and one S3 ` +
              `PutObject, plus three search-attribute upserts and a memo; the baseline is three activities and ` +
              `nothing else. The CPU rows show where the time goes on this 2-core machine, ` +
              `where the worker, the dev server, the S3 server and the load generator share both cores; CPU time ` +
              `per workflow = the process's average CPU over the batch × batch seconds / N.`,
            `Database operations per workflow are the dev server's persistence_requests counters (its /metrics) ` +
              `over the batch, divided by N. The stack's dev server keeps its search attributes in a cache ` +
              `(system.forceSearchAttributesCacheRefreshOnRead=false); with the CLI's default it read them from SQLite ` +
              `21 times per scene and 8 times per baseline workflow.`,
            `Metrics on / off: the same scene batches on a second worker process that differs only by ` +
              `WORKER_METRICS_ADDRESS (the SDK's Prometheus exporter, and the pipeline's metrics recorded into it), its ` +
              `/metrics read every ${scrapeIntervalMs / 1000} s during its batches. Ratio = metrics-on / metrics-off per ` +
              `repeat, median over ${repeats}; the metered batch runs last in one repeat and first in the next, so the ` +
              `growing server database favours neither. Both processes run throughout, the idle one long-polling. The ` +
              `metrics-off worker still hands its workflows' metric calls to the SDK, which drops them: what is ` +
              `measured is the exporter and the recording behind it.`,
          ],
        };
      } finally {
        await Promise.all([worker.stop(), metered.stop()]);
      }
    });
  },
};
