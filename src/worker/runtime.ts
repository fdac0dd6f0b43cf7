import { Runtime } from '@temporalio/worker';
import { workerSecrets, type WorkerEnv } from '../config/environment';
import { connectionSecrets, type TemporalConnection } from '../config/temporal-connection';
import { createWorkerLogger, logProcessWarnings, workerLines, type WorkerLines } from './logger';

/**
 * The process-wide Temporal runtime of a worker, from its environment: the SDK's logger (LOG_FORMAT, LOG_LEVEL) and
 * its metrics exporter (WORKER_METRICS_ADDRESS). Installed once, before the first connection, as the SDK requires.
 * Returns how the worker says its own lines, in the same format.
 */
export function installWorkerRuntime(
  env: WorkerEnv,
  temporal: Pick<TemporalConnection, 'connectionOptions'>,
): WorkerLines {
  const logger = createWorkerLogger({
    format: env.LOG_FORMAT,
    level: env.LOG_LEVEL,
    secrets: [...workerSecrets(env), ...connectionSecrets(temporal)],
  });
  Runtime.install({
    logger,
    // In json, Temporal's native core logs through the same logger (WARN and up, its default) rather than printing
    // its own lines; text keeps them as they were.
    ...(env.LOG_FORMAT === 'json' && { telemetryOptions: { logging: { forward: {} } } }),
  });
  if (env.LOG_FORMAT === 'json') logProcessWarnings(logger);
  return workerLines(env.LOG_FORMAT, logger);
}
