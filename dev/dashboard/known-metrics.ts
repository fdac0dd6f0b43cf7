import { pipelineMetrics } from '../../src/contract/metrics';

type ExportedKind = 'counter' | 'gauge' | 'histogram';

interface SdkMetric {
  kind: ExportedKind;
  labels: readonly string[];
  unit?: string;
}

/**
 * The Temporal SDK's own worker metrics, as its Prometheus exporter names them with the options src/worker/runtime.ts
 * gives it (the default `temporal_` prefix, no `_total` or unit suffix, durations in seconds): read off /metrics of a
 * 1.24.0 worker that ran the demo project. `service_name` is on every one (`attachServiceName`), so it is left out here.
 */
export const sdkMetrics: Record<string, SdkMetric> = {
  temporal_activity_execution_failed: {
    kind: 'counter',
    labels: ['activity_type', 'failure_reason', 'namespace', 'task_queue', 'workflow_type'],
  },
  temporal_activity_execution_latency: {
    kind: 'histogram',
    unit: 's',
    labels: ['activity_type', 'namespace', 'task_queue', 'workflow_type'],
  },
  temporal_activity_schedule_to_start_latency: { kind: 'histogram', unit: 's', labels: ['namespace', 'task_queue'] },
  temporal_activity_succeed_endtoend_latency: {
    kind: 'histogram',
    unit: 's',
    labels: ['activity_type', 'namespace', 'task_queue', 'workflow_type'],
  },
  temporal_activity_task_received: {
    kind: 'counter',
    labels: ['activity_type', 'eager', 'namespace', 'task_queue', 'workflow_type'],
  },
  temporal_local_activity_execution_latency: {
    kind: 'histogram',
    unit: 's',
    labels: ['activity_type', 'namespace', 'task_queue', 'workflow_type'],
  },
  temporal_local_activity_total: {
    kind: 'counter',
    labels: ['activity_type', 'namespace', 'task_queue', 'workflow_type'],
  },
  temporal_long_request: { kind: 'counter', labels: ['namespace', 'operation', 'task_queue'] },
  temporal_long_request_latency: { kind: 'histogram', unit: 's', labels: ['namespace', 'operation', 'task_queue'] },
  temporal_num_pollers: { kind: 'gauge', labels: ['namespace', 'poller_type', 'task_queue'] },
  temporal_request: { kind: 'counter', labels: ['namespace', 'operation'] },
  temporal_request_failure: { kind: 'counter', labels: ['namespace', 'operation', 'status_code'] },
  temporal_request_latency: { kind: 'histogram', unit: 's', labels: ['namespace', 'operation'] },
  temporal_sticky_cache_hit: { kind: 'counter', labels: ['namespace', 'task_queue', 'workflow_type'] },
  temporal_sticky_cache_size: { kind: 'gauge', labels: ['namespace', 'task_queue'] },
  temporal_worker_start: { kind: 'counter', labels: ['namespace', 'task_queue'] },
  temporal_worker_task_slots_available: { kind: 'gauge', labels: ['namespace', 'task_queue', 'worker_type'] },
  temporal_worker_task_slots_used: { kind: 'gauge', labels: ['namespace', 'task_queue', 'worker_type'] },
  temporal_workflow_completed: { kind: 'counter', labels: ['namespace', 'task_queue', 'workflow_type'] },
  temporal_workflow_endtoend_latency: {
    kind: 'histogram',
    unit: 's',
    labels: ['namespace', 'task_queue', 'workflow_type'],
  },
  temporal_workflow_task_execution_latency: {
    kind: 'histogram',
    unit: 's',
    labels: ['namespace', 'task_queue', 'workflow_type'],
  },
  temporal_workflow_task_queue_poll_succeed: { kind: 'counter', labels: ['namespace', 'task_queue'] },
  temporal_workflow_task_replay_latency: {
    kind: 'histogram',
    unit: 's',
    labels: ['namespace', 'task_queue', 'workflow_type'],
  },
  temporal_workflow_task_schedule_to_start_latency: {
    kind: 'histogram',
    unit: 's',
    labels: ['namespace', 'task_queue'],
  },
};

/** Labels on every series: Prometheus's own (`job`, `instance`), and the SDK runtime's `service_name`. */
export const everySeriesLabels = ['job', 'instance', 'service_name'] as const;

export interface KnownSeries {
  /** The metric the series belongs to: a histogram's name for its `_bucket`, `_sum` and `_count`. */
  metric: string;
  source: 'pipeline' | 'sdk';
  kind: ExportedKind;
  /** Which of a histogram's series: its buckets (`le`), the sum of its observations, or their count. */
  part?: 'bucket' | 'sum' | 'count';
  /** The series' own labels (a histogram's `_bucket` adds `le`), without `everySeriesLabels`. */
  labels: readonly string[];
  /** The metric's unit: of a counter's value, of a histogram's sum and bucket bounds (its count has none). */
  unit?: string;
}

/** Every series name a query may select, each with where it comes from, its labels and its unit. */
export function knownSeries(): Map<string, KnownSeries> {
  const series = new Map<string, KnownSeries>();
  const add = (metric: string, source: KnownSeries['source'], m: SdkMetric) => {
    if (m.kind !== 'histogram') {
      series.set(metric, { metric, source, ...m });
      return;
    }
    series.set(`${metric}_bucket`, { metric, source, ...m, part: 'bucket', labels: [...m.labels, 'le'] });
    series.set(`${metric}_sum`, { metric, source, ...m, part: 'sum' });
    series.set(`${metric}_count`, { metric, source, ...m, part: 'count' });
  };
  for (const m of Object.values(pipelineMetrics)) {
    const kind = m.kind === 'upDownCounter' ? 'gauge' : m.kind;
    add(m.name, 'pipeline', { kind, labels: m.labels, unit: 'unit' in m ? m.unit : undefined });
  }
  for (const [name, m] of Object.entries(sdkMetrics)) add(name, 'sdk', m);
  return series;
}
