import type { Duration, WorkerDeploymentVersion } from '@temporalio/common';
import {
  bundleWorkflowCode,
  DefaultLogger,
  type NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createActivities, type ActivityDeps } from '../activities';
import type { Catalogue } from '../contract/catalogue';
import type { GateSetup } from '../contract/provider-gate';
import type { WorkerEnv } from '../config/environment';
import { s3ClientFromEnv } from '../config/s3-client';
import { PipelineMetrics } from '../domain/pipeline-metrics';
import { AccountConcurrencyReader } from '../providers/account-concurrency';
import { routeClients } from '../providers/routes';
import { activityLogContext } from './logger';
import type { WorkerTracing } from './tracing';

const runningFromSource = __filename.endsWith('.ts');
export const workflowsPath = join(__dirname, '..', 'workflows', runningFromSource ? 'index.ts' : 'index.js');

/**
 * `npm run build` writes the workflow bundles beside the compiled `worker/` folder: `dist/workflow-bundle.js`, and
 * `dist/workflow-bundle-traced.js` with OpenTelemetry's workflow interceptors for a worker that exports traces. Two
 * bundles, so a worker without tracing runs none of it: the interceptors grow the bundle from 1.98 to 3.56 MiB and
 * cost about 60% more CPU per workflow replayed (measured on the committed histories). Both replay the same histories:
 * the interceptors add headers, no commands.
 */
export const workflowBundleFileNames = { plain: 'workflow-bundle.js', traced: 'workflow-bundle-traced.js' } as const;
export type WorkflowBundleKind = keyof typeof workflowBundleFileNames;

/** A span for the workflow run and for each activity and child it starts, the trace carried on in their headers. */
const tracingInterceptorsModule = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

const bundled: Partial<Record<WorkflowBundleKind, Promise<WorkflowBundleOption>>> = {};

/** Bundles `src/workflows` with webpack (seconds of CPU); the build calls it once per kind, a worker run from source at start. */
export function bundleSceneWorkflows(kind: WorkflowBundleKind = 'plain') {
  return bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: kind === 'traced' ? [tracingInterceptorsModule] : [],
    logger: new DefaultLogger('WARN'),
  });
}

/**
 * The compiled worker loads the bundle the build made, as Temporal advises for production; only a worker run from
 * source bundles at start. Built once per process and kind, and shared by every worker it creates.
 */
export function sceneWorkflowBundle(kind: WorkflowBundleKind = 'plain'): Promise<WorkflowBundleOption> {
  bundled[kind] ??= runningFromSource ? bundleSceneWorkflows(kind) : Promise.resolve(prebuiltWorkflowBundle(kind));
  return bundled[kind];
}

function prebuiltWorkflowBundle(kind: WorkflowBundleKind): WorkflowBundleOption {
  const codePath = join(__dirname, '..', workflowBundleFileNames[kind]);
  if (!existsSync(codePath)) {
    throw new Error(
      `The workflow bundle ${codePath} is missing: this build is incomplete. Run \`npm run build\`, which compiles the code and bundles the workflows together.`,
    );
  }
  return { codePath };
}

/** Wires activities to the real APIs (or the sandbox) and S3 from the validated environment. */
export function activityDepsFromEnv(env: WorkerEnv, catalogue: Catalogue): ActivityDeps {
  const providers = routeClients(env, {
    maxReplyBytes: env.PROVIDER_MAX_REPLY_BYTES,
    maskedSecrets: env.WEBHOOK_SECRET === undefined ? [] : [env.WEBHOOK_SECRET],
  });
  return {
    catalogue,
    providers,
    accountConcurrency: new AccountConcurrencyReader(providers, (line) => Runtime.instance().logger.warn(line)),
    s3: s3ClientFromEnv(env),
    storage: { bucket: env.S3_BUCKET, prefix: env.S3_PREFIX, failureMode: env.STORAGE_FAILURE_MODE },
    download: {
      sandboxOrigin: env.SANDBOX_ORIGIN,
      maxBytes: env.MAX_VIDEO_BYTES,
      minBytesPerSec: env.DOWNLOAD_MIN_BYTES_PER_SEC,
      throughputWindowMs: env.DOWNLOAD_THROUGHPUT_WINDOW_SEC * 1000,
    },
    ...(env.WEBHOOK_PUBLIC_URL && env.WEBHOOK_SECRET
      ? {
          webhooks: {
            publicUrl: env.WEBHOOK_PUBLIC_URL,
            secret: env.WEBHOOK_SECRET,
            backstopMs: env.WEBHOOK_BACKSTOP_POLL_SEC * 1000,
          },
        }
      : {}),
    gate: gateSetupFromEnv(env),
  };
}

export function gateSetupFromEnv(env: WorkerEnv): GateSetup {
  const failures = env.PROVIDER_BREAKER_FAILURES;
  return {
    ...(failures > 0 && {
      breaker: {
        failures,
        windowMs: env.PROVIDER_BREAKER_WINDOW_SEC * 1000,
        cooldownMs: env.PROVIDER_COOLDOWN_SEC * 1000,
      },
    }),
    holderCheckMs: env.PROVIDER_GATE_HOLDER_CHECK_SEC * 1000,
  };
}

/** The worker options this project tunes; everything else is the SDK's default. */
export interface SceneWorkerTuning {
  maxConcurrentActivityTaskExecutions: number;
  maxCachedWorkflows?: number;
}

export function workerTuningFromEnv(env: WorkerEnv): SceneWorkerTuning {
  return {
    maxConcurrentActivityTaskExecutions: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
  };
}

/** The Worker Deployment version this worker runs, from TEMPORAL_DEPLOYMENT_NAME and TEMPORAL_WORKER_BUILD_ID. */
export function workerDeploymentFromEnv(env: WorkerEnv): WorkerDeploymentVersion | undefined {
  const { TEMPORAL_DEPLOYMENT_NAME: deploymentName, TEMPORAL_WORKER_BUILD_ID: buildId } = env;
  // The schema accepts both or neither.
  return deploymentName === undefined || buildId === undefined ? undefined : { deploymentName, buildId };
}

/**
 * Each workflow type declares its own behaviour beside its code (`setWorkflowOptions`); this default only covers a
 * type that forgot to. PINNED, because a pinned run never meets code it did not start on, while a forgotten
 * auto-upgrading one would need patches nobody knew to write.
 */
export function versionedWorkerOptions(version: WorkerDeploymentVersion) {
  return {
    workerDeploymentOptions: { version, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' },
  } satisfies Partial<WorkerOptions>;
}

export interface SceneWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A versioned worker of this Worker Deployment version; unversioned without it. */
  deployment?: WorkerDeploymentVersion;
  deps: ActivityDeps;
  tuning?: Partial<SceneWorkerTuning>;
  /** Heartbeats are throttled to at most this often; a cancel reaches a polling activity within about this time. */
  maxHeartbeatThrottleInterval?: Duration;
  /** Traces exported (`startWorkerTracing`): the traced workflow bundle, with its sink and the activity interceptors. */
  tracing?: WorkerTracing;
}

/**
 * One heartbeat per 10 s at most: every heartbeating activity has a 30 s heartbeat timeout, so a worker whose event loop
 * is busy for up to 20 s is not mistaken for a lost one (B6).
 */
const defaultHeartbeatThrottle: Duration = '10 seconds';

/** The SDK options for a tuning; shared with the benchmark's baseline worker so B1 compares workflows, not settings. */
export function workerOptionsFor(tuning: Partial<SceneWorkerTuning> = {}) {
  return {
    maxHeartbeatThrottleInterval: defaultHeartbeatThrottle,
    maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions ?? 200,
    ...(tuning.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: tuning.maxCachedWorkflows } : {}),
    shutdownGraceTime: '10 seconds',
  } satisfies Partial<WorkerOptions>;
}

export async function createSceneWorker(opts: SceneWorkerOptions): Promise<Worker> {
  // Before the first scene: it would otherwise plan without the account's limits.
  await opts.deps.accountConcurrency?.refresh();
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: await sceneWorkflowBundle(opts.tracing ? 'traced' : 'plain'),
    // The runtime's meter: exported when WORKER_METRICS_ADDRESS installed the exporter, a no-op otherwise.
    activities: createActivities({
      ...opts.deps,
      metrics: opts.deps.metrics ?? new PipelineMetrics(Runtime.instance().metricMeter),
    }),
    interceptors: {
      ...opts.tracing?.workerOptions.interceptors,
      activity: [activityLogContext, ...(opts.tracing?.workerOptions.interceptors?.activity ?? [])],
    },
    ...(opts.tracing ? { sinks: opts.tracing.workerOptions.sinks } : {}),
    ...workerOptionsFor(opts.tuning),
    ...(opts.maxHeartbeatThrottleInterval ? { maxHeartbeatThrottleInterval: opts.maxHeartbeatThrottleInterval } : {}),
    ...(opts.deployment ? versionedWorkerOptions(opts.deployment) : {}),
  });
}
