import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { WorkerEnv } from '../config/environment';

/**
 * The process-wide Temporal runtime of a worker, from its environment: the SDK's logger (LOG_FORMAT, LOG_LEVEL) and
 * its metrics exporter (WORKER_METRICS_ADDRESS). Installed once, before the first connection, as the SDK requires.
 */
export function installWorkerRuntime(
  env: Pick<WorkerEnv, 'LOG_FORMAT' | 'LOG_LEVEL' | 'WORKER_METRICS_ADDRESS'>,
): void {
  Runtime.install({ logger: new DefaultLogger(env.LOG_LEVEL) });
}
