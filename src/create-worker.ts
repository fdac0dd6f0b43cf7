import { S3Client } from '@aws-sdk/client-s3';
import type { Duration } from '@temporalio/common';
import {
  bundleWorkflowCode,
  DefaultLogger,
  type NativeConnection,
  Worker,
  type WorkflowBundle,
} from '@temporalio/worker';
import { join } from 'node:path';
import { createActivities, type ActivityDeps } from './activities';
import type { Catalogue } from './config/catalogue';
import type { WorkerEnv } from './config/environment';
import { createPiapiClient } from './providers/piapi';
import { createRunwayClient } from './providers/runway';

export const workflowsPath = join(__dirname, 'workflows', 'index.ts');

let bundled: Promise<WorkflowBundle> | undefined;

/** The workflow bundle is built once per process and shared by every worker it creates. */
export function sceneWorkflowBundle(): Promise<WorkflowBundle> {
  bundled ??= bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  return bundled;
}

/** Wires activities to the real APIs (or the sandbox) and S3 from the validated environment. */
export function activityDepsFromEnv(env: WorkerEnv, catalogue: Catalogue): ActivityDeps {
  return {
    catalogue,
    providers: {
      ...(env.PIAPI_API_KEY
        ? { piapi: createPiapiClient({ baseUrl: env.PIAPI_BASE_URL, apiKey: env.PIAPI_API_KEY }) }
        : {}),
      ...(env.RUNWAY_API_KEY
        ? { runway: createRunwayClient({ baseUrl: env.RUNWAY_BASE_URL, apiKey: env.RUNWAY_API_KEY }) }
        : {}),
    },
    s3: new S3Client({
      region: env.S3_REGION,
      endpoint: env.S3_ENDPOINT,
      forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_ENDPOINT !== undefined,
      ...(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY } }
        : {}),
    }),
    storage: { bucket: env.S3_BUCKET, prefix: env.S3_PREFIX, failureMode: env.STORAGE_FAILURE_MODE },
    download: { sandboxOrigin: env.SANDBOX_ORIGIN, maxBytes: env.MAX_VIDEO_BYTES },
  };
}

export interface SceneWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Heartbeats are throttled to at most this often; a cancel reaches a polling activity within about this time. */
  maxHeartbeatThrottleInterval?: Duration;
  maxConcurrentActivityTaskExecutions?: number;
}

export async function createSceneWorker(opts: SceneWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: await sceneWorkflowBundle(),
    activities: createActivities(opts.deps),
    maxHeartbeatThrottleInterval: opts.maxHeartbeatThrottleInterval ?? '20 seconds',
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 200,
    shutdownGraceTime: '10 seconds',
  });
}
