import { IllegalStateError } from '@temporalio/common';
import { Runtime, type TelemetryOptions } from '@temporalio/worker';
import { workerSecrets, type WorkerEnv } from '../config/environment';
import { connectionSecrets, type TemporalConnection } from '../config/temporal-connection';
import { pipelineMetrics } from '../contract/metrics';
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
  const address = env.WORKER_METRICS_ADDRESS;
  const remedy = 'set WORKER_METRICS_ADDRESS to a free ip:port, or unset it to export no metrics';
  installWithMetrics(
    {
      logger,
      // In json, Temporal's native core logs through the same logger (WARN and up, its default) rather than printing
      // its own lines; text keeps them as they were.
      ...(env.LOG_FORMAT === 'json' && { telemetryOptions: { logging: { forward: {} } } }),
    },
    address === undefined ? undefined : { address, remedy },
  );
  if (env.LOG_FORMAT === 'json') logProcessWarnings(logger);
  const lines = workerLines(env.LOG_FORMAT, logger);
  if (address !== undefined) lines.info(`scene-video worker metrics on http://${address}/metrics (Prometheus)`);
  return lines;
}

/**
 * `Runtime.install`, with the Prometheus exporter at `metrics.address` (`ip:port`) when given. An address that cannot
 * be bound fails here, saying what to do (`remedy`), instead of leaving a worker whose metrics nobody can scrape.
 */
export function installWithMetrics(
  options: Parameters<typeof Runtime.install>[0],
  metrics?: { address: string; remedy: string },
): void {
  if (metrics === undefined) {
    Runtime.install(options);
    return;
  }
  try {
    Runtime.install({
      ...options,
      telemetryOptions: { ...options.telemetryOptions, ...metricsTelemetry(metrics.address) },
    });
  } catch (err) {
    // Installed already (a second worker in one process, a connection made first): no port is to blame.
    if (err instanceof IllegalStateError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Cannot serve metrics at ${metrics.address} (${reason}): ${metrics.remedy}.`, { cause: err });
  }
}

/**
 * The SDK's Prometheus exporter: its own metrics (durations in seconds) and the pipeline's, whose histograms get the
 * catalogue's buckets: the exporter's defaults are millisecond-sized.
 */
function metricsTelemetry(bindAddress: string): TelemetryOptions {
  const histogramBucketOverrides = Object.fromEntries(
    Object.values(pipelineMetrics).flatMap((m) => ('buckets' in m ? [[m.name, [...m.buckets]]] : [])),
  );
  return { metrics: { prometheus: { bindAddress, histogramBucketOverrides, useSecondsForDurations: true } } };
}
