import type { ProviderTaskSnapshot } from '../contract/provider-task';
import type { PipelineMetrics } from './pipeline-metrics';

/**
 * The render, queue and detection times of a task that ended, by the provider's own clock where its task reports it
 * (PiAPI's `meta`), noticed at `nowMs`: by a poll, a status check or a webhook. Runway reports only its creation time: there the polls measure it, to within one poll interval,
 * as the deadlines do (render = time polled less time throttled; queue = time throttled), and the detection delay,
 * which only the provider's clock could tell, is not recorded.
 */
export function recordTaskTimes(
  metrics: PipelineMetrics,
  provider: string,
  snapshot: ProviderTaskSnapshot,
  polled: { elapsedMs: number; throttledMs: number },
  nowMs: number,
): void {
  const outcome = snapshot.state as 'succeeded' | 'failed' | 'cancelled';
  const { createdMs, startedMs, endedMs } = snapshot.times ?? {};
  const rendered = secondsBetween(startedMs, endedMs);
  if (rendered === undefined) {
    metrics.record('queueSeconds', polled.throttledMs / 1000, { provider });
    metrics.record('renderSeconds', Math.max(0, polled.elapsedMs - polled.throttledMs) / 1000, { provider, outcome });
    return;
  }
  const queued = secondsBetween(createdMs, startedMs);
  if (queued !== undefined) metrics.record('queueSeconds', queued, { provider });
  metrics.record('renderSeconds', rendered, { provider, outcome });
  // Two clocks, the provider's and this worker's: a worker behind the provider's clock records nothing.
  const noticed = secondsBetween(endedMs, nowMs);
  if (noticed !== undefined) metrics.record('detectionDelaySeconds', noticed, { provider });
}

/** Seconds from one instant to a later one; undefined when either is unknown or they come in the wrong order. */
function secondsBetween(fromMs: number | undefined, toMs: number | undefined): number | undefined {
  return fromMs === undefined || toMs === undefined || toMs < fromMs ? undefined : (toMs - fromMs) / 1000;
}
