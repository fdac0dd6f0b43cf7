import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { join } from 'node:path';
import { loadWorkerEnv } from '../../src/config/environment';
import { loadCatalogue } from '../../src/config/load-catalogue';
import { loadTemporalConnection } from '../../src/config/temporal-connection';
import {
  activityDepsFromEnv,
  createSceneWorker,
  workerOptionsFor,
  workerTuningFromEnv,
} from '../../src/worker/create-worker';
import { installWorkerRuntime } from '../../src/worker/runtime';
import { serveWorkerWebhooks } from '../../src/worker/webhooks';
import { createBaselineActivities } from '../../test/fixtures/bench/activities';
import { createShapeActivities } from '../b9/activities';

const baselineWorkflows = join(__dirname, '..', '..', 'test', 'fixtures', 'bench', 'workflows.ts');
const shapeWorkflows = join(__dirname, '..', 'b9', 'workflows.ts');

/** Child entry of `spawnWorker`: the scene worker, the baseline worker and/or B9's polling shapes, on one connection. */
async function main(): Promise<void> {
  const env = loadWorkerEnv();
  // The worker's own runtime: its logger and, with WORKER_METRICS_ADDRESS, its metrics exporter.
  const temporal = loadTemporalConnection();
  installWorkerRuntime(env, temporal);
  const deps = activityDepsFromEnv(
    env,
    loadCatalogue({ file: env.SCENE_VIDEO_CATALOGUE, disabled: env.SCENE_VIDEO_DISABLED_PROVIDERS }),
  );
  const tuning = workerTuningFromEnv(env);
  const connection = await NativeConnection.connect(temporal.connectionOptions);
  // As runWorker serves it: the receiver in the worker process, signalling over the worker's own connection.
  const webhooks = await serveWorkerWebhooks(env, connection, temporal.namespace, Runtime.instance().logger);
  const workers: Worker[] = [];
  if (process.env.BENCH_SCENE_QUEUE) {
    workers.push(
      await createSceneWorker({
        connection,
        namespace: temporal.namespace,
        taskQueue: process.env.BENCH_SCENE_QUEUE,
        deps,
        tuning,
      }),
    );
  }
  if (process.env.BENCH_BASELINE_QUEUE) {
    // The same settings createSceneWorker applies, so B1 compares workflows and not worker tuning.
    workers.push(
      await Worker.create({
        connection,
        namespace: temporal.namespace,
        taskQueue: process.env.BENCH_BASELINE_QUEUE,
        workflowsPath: baselineWorkflows,
        activities: createBaselineActivities(),
        ...workerOptionsFor(tuning),
      }),
    );
  }
  if (process.env.BENCH_SHAPES_QUEUE) {
    workers.push(
      await Worker.create({
        connection,
        namespace: temporal.namespace,
        taskQueue: process.env.BENCH_SHAPES_QUEUE,
        workflowsPath: shapeWorkflows,
        activities: createShapeActivities(deps, process.env.BENCH_SLOTS_FILE ?? '/dev/null'),
        ...workerOptionsFor(tuning),
      }),
    );
  }
  console.log('bench worker ready');
  await Promise.all(workers.map((w) => w.run()));
  await webhooks?.close();
  await connection.close();
  deps.s3.destroy();
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
