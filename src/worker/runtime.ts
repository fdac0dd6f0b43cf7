import { DefaultLogger, Runtime, type TelemetryOptions } from '@temporalio/worker';
import type { WorkerEnv } from '../config/environment';
import { pipelineMetrics } from '../contract/metrics';

/**
 * The process-wide Temporal runtime of a worker, from its environment: the SDK's logger (LOG_FORMAT, LOG_LEVEL) and
 * its metrics exporter (WORKER_METRICS_ADDRESS). Installed once, before the first connection, as the SDK requires.
 */
export function installWorkerRuntime(
  env: Pick<WorkerEnv, 'LOG_FORMAT' | 'LOG_LEVEL' | 'WORKER_METRICS_ADDRESS'>,
): void {
  installWithMetrics(env.WORKER_METRICS_ADDRESS, { logger: new DefaultLogger(env.LOG_LEVEL) });
  if (env.WORKER_METRICS_ADDRESS !== undefined)
    console.log(`scene-video worker metrics on http://${env.WORKER_METRICS_ADDRESS}/metrics (Prometheus)`);
}

/**
 * `Runtime.install` with the Prometheus exporter at `address` (`host:port`) when one is given; a port that cannot be
 * bound fails here, naming the variable, instead of leaving a worker whose metrics nobody can scrape.
 */
export function installWithMetrics(address: string | undefined, options: Parameters<typeof Runtime.install>[0]): void {
  try {
    Runtime.install(address === undefined ? options : { ...options, telemetryOptions: metricsTelemetry(address) });
  } catch (err) {
    if (address === undefined) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `WORKER_METRICS_ADDRESS=${address}: cannot serve metrics there (${reason}); choose a free port, or unset it to export no metrics`,
      { cause: err },
    );
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
