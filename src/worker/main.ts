import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { configuredProviders } from '../activities/dependencies';
import { loadWorkerEnv } from '../config/environment';
import { loadCatalogue } from '../config/load-catalogue';
import { checkNamespaceSetup } from '../config/namespace-search-attributes';
import { loadTemporalConnection } from '../config/temporal-connection';
import { piapiWebhookPath } from '../contract/provider-webhook';
import { anyRouteKeyHint } from '../providers/routes';
import { activityDepsFromEnv, createSceneWorker, workerDeploymentFromEnv, workerTuningFromEnv } from './create-worker';
import { startWorkerHealth, type HealthServer } from './health-server';
import { workerDependencyProbes } from './readiness-probes';
import type { WebhookServer } from '../webhooks/receiver';
import { serveWorkerWebhooks } from './webhooks';
import { installWorkerRuntime } from './runtime';
import { checkStorage } from './storage-check';
import { startWorkerTracing } from './tracing';

/** `scene-video worker`: runs one worker from the environment until SIGINT/SIGTERM, then drains and exits. */
export async function runWorker(env = loadWorkerEnv(), temporal = loadTemporalConnection()): Promise<void> {
  const lines = installWorkerRuntime(env, temporal);
  const catalogue = loadCatalogue({ file: env.SCENE_VIDEO_CATALOGUE, disabled: env.SCENE_VIDEO_DISABLED_PROVIDERS });
  const deps = activityDepsFromEnv(env, catalogue);
  const configured = configuredProviders(deps);
  const deployment = workerDeploymentFromEnv(env);
  if (env.S3_STARTUP_CHECK) {
    try {
      await checkStorage(deps.s3, { bucket: env.S3_BUCKET, endpoint: env.S3_ENDPOINT, region: env.S3_REGION });
    } catch (err) {
      deps.s3.destroy();
      throw err;
    }
  }
  const connection = await NativeConnection.connect(temporal.connectionOptions);
  const tracing = startWorkerTracing(env, lines.info);
  let health: HealthServer | undefined;
  let webhooks: WebhookServer | undefined;
  let worker: Worker | undefined;
  try {
    // Before polling: in a namespace without them, every scene fails where it writes its search attributes.
    const setup = await checkNamespaceSetup(connection, temporal.namespace);
    if (!setup.checked) {
      const why = setup.refused
        ? `the server refused ListSearchAttributes (${setup.reason}), as Temporal Cloud does`
        : `ListSearchAttributes failed (${setup.reason})`;
      lines.warn(
        `Search attributes of namespace ${temporal.namespace} not checked: ${why}; ` +
          '`scene-video setup` shows what the namespace needs.',
      );
    }
    // Listening before the worker exists: a taken port fails the start at once, and /readyz says STARTING meanwhile.
    health = await startWorkerHealth(
      env,
      {
        worker: () => worker,
        dependencies: workerDependencyProbes(env, connection, deps.s3),
        logger: Runtime.instance().logger,
      },
      lines.info,
    );
    webhooks = await serveWorkerWebhooks(env, connection, temporal.namespace, Runtime.instance().logger);
    if (webhooks) lines.info(`Webhook receiver on http://${webhooks.address}${piapiWebhookPath}…`);
    worker = await createSceneWorker({
      connection,
      namespace: temporal.namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      deployment,
      deps,
      tuning: workerTuningFromEnv(env),
      tracing,
    });
    const profile = temporal.profile === undefined ? '' : ` (profile ${temporal.profile})`;
    lines.info(
      `scene-video worker on ${temporal.address} namespace ${temporal.namespace}${profile}, ` +
        `task queue ${env.TEMPORAL_TASK_QUEUE}; ` +
        `providers configured: ${configured.join(', ') || `none (set ${anyRouteKeyHint})`}; ` +
        `${env.WORKER_MAX_CONCURRENT_ACTIVITIES} activity slots; ` +
        (deployment
          ? `Worker Deployment ${deployment.deploymentName}, build ${deployment.buildId}`
          : 'unversioned (no Worker Deployment)'),
    );
    // Worker.run() installs SIGINT/SIGTERM handlers that stop polling and let in-flight activities finish.
    await worker.run();
  } finally {
    await health?.close();
    await webhooks?.close();
    await tracing?.shutdown();
    await connection.close();
    deps.s3.destroy();
  }
}

if (require.main === module) {
  runWorker().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
