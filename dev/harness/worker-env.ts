import { devNull } from 'node:os';
import type { ProviderRoute } from '../../src/contract/provider-task';
import type { Sandbox } from '../sandbox';
import type { S3Endpoint } from '../stack/s3-server';
import type { Stack } from '../stack/stack';
import { sandboxRouteEnv } from './sandbox-routes';

/** The Temporal server and the S3 server a worker process is pointed at. */
export interface WorkerStack {
  temporalAddress: string;
  namespace: string;
  s3: S3Endpoint;
}

export function workerStackOf(stack: Stack): WorkerStack {
  return { temporalAddress: stack.temporal.address, namespace: stack.temporal.namespace, s3: stack.s3 };
}

export interface WorkerEnvOptions {
  taskQueue?: string;
  s3Prefix?: string;
  /** The provider APIs that get a base URL and a key; the others stay unconfigured. Both by default. */
  providers?: ProviderRoute[];
}

/**
 * The whole environment of a worker process (`src/worker/main.ts`, `scene-video worker`, the bench's worker) for this stack
 * and this sandbox: nothing else leaks in from the parent but PATH and HOME, and no Temporal profile from HOME either.
 */
export function workerEnv(stack: WorkerStack, sandbox: Sandbox, opts: WorkerEnvOptions = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_CONFIG_FILE: devNull,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: stack.namespace,
    ...(opts.taskQueue === undefined ? {} : { TEMPORAL_TASK_QUEUE: opts.taskQueue }),
    ...sandboxRouteEnv(sandbox, opts.providers),
    SANDBOX_ORIGIN: sandbox.origin,
    S3_BUCKET: stack.s3.bucket,
    ...(opts.s3Prefix === undefined ? {} : { S3_PREFIX: opts.s3Prefix }),
    S3_ENDPOINT: stack.s3.endpoint,
    S3_REGION: stack.s3.region,
    S3_ACCESS_KEY_ID: stack.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: stack.s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  };
}
