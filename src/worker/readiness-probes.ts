import type { S3Client } from '@aws-sdk/client-s3';
import { isGrpcServiceError } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { WorkerEnv } from '../config/environment';
import { codeName } from '../config/namespace-search-attributes';
import { skippedProbe, type DependencyProbe, type WorkerDependency } from './health-server';
import { storageProbe } from './storage-check';

type TemporalConnection = Pick<NativeConnection, 'workflowService' | 'withDeadline'>;

/** gRPC codes by which the server refuses this worker's credentials (an expired API key, a revoked certificate). */
const refusals = new Set([7, 16]);

/**
 * The readiness check's look at the Temporal server: GetSystemInfo (what the SDK itself asks first on connecting) on
 * the worker's own connection. The worker stays RUNNING while the server is down, retrying its polls, so its state
 * alone cannot tell. The connection goes on retrying an unavailable server for about 10 s whatever the deadline
 * (`watchDependencies` bounds the answer).
 */
export function temporalProbe(connection: TemporalConnection): DependencyProbe {
  return async (timeoutMs) => {
    try {
      await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
      return { state: 'ok' };
    } catch (err) {
      const refused = isGrpcServiceError(err) && refusals.has(err.code);
      return { state: refused ? 'forbidden' : 'unreachable', reason: codeName(err) };
    }
  };
}

/**
 * What `/readyz` checks besides the worker's state: the Temporal server on the worker's connection, and the bucket with
 * the activities' S3 client. S3_STARTUP_CHECK=false leaves S3 out, for the reason it skips the start check: credentials
 * that may write objects but not list the bucket cannot HeadBucket either.
 */
export function workerDependencyProbes(
  env: Pick<WorkerEnv, 'S3_STARTUP_CHECK' | 'S3_BUCKET'>,
  connection: TemporalConnection,
  s3: S3Client,
): Record<WorkerDependency, DependencyProbe> {
  return {
    temporal: temporalProbe(connection),
    s3: env.S3_STARTUP_CHECK ? storageProbe(s3, env.S3_BUCKET) : skippedProbe,
  };
}
