/**
 * The pipeline's own metrics: one home for their names, units, labels and buckets, shared by the workflows and
 * activities that record them, the runtime that exports them, the Grafana dashboard (deploy/grafana) and its checks.
 *
 * Names carry their unit (`_seconds`, `_bytes`, `_usd`) and counters end in `_total`, as Prometheus names them; the
 * SDK's exporter adds neither. Labels take values from bounded sets only (provider keys, the scene types the
 * catalogue's providers are strong in, the classes below): never a scene, project, workflow or task id.
 *
 * Money is recorded as float histograms: the SDK's counters hold integers, and a histogram's `_sum` is the spend and
 * its `_count` the attempts.
 */

/** How a provider attempt ended. */
export const attemptOutcomes = ['succeeded', 'unstored', 'failed', 'cancelled'] as const;
export type AttemptOutcomeLabel = (typeof attemptOutcomes)[number];

/** Why it ended that way: the class of its reason, never the provider's message. */
export const attemptReasons = [
  'succeeded',
  'task_failed',
  'content_policy_input',
  'content_policy_output',
  'create_refused',
  'ambiguous_create',
  'quota_exhausted',
  'poll_failed',
  'abandoned',
  'deadline',
  'upload_failed',
  'cancelled',
] as const;
export type AttemptReason = (typeof attemptReasons)[number];

/** A provider HTTP reply's class: the status's hundreds, or how the call failed without one. */
export const httpStatusClasses = ['2xx', '3xx', '4xx', '5xx', 'network', 'timeout'] as const;
export type HttpStatusClass = (typeof httpStatusClasses)[number];

/** The class of a reply's status. Node reports no 1xx as a final reply; anything outside 200–499 counts as a 5xx. */
export function httpStatusClass(status: number): HttpStatusClass {
  if (status >= 200 && status < 300) return '2xx';
  if (status >= 300 && status < 400) return '3xx';
  if (status >= 400 && status < 500) return '4xx';
  return '5xx';
}

/** Seconds, for renders and queues: providers take from seconds to tens of minutes. */
const renderBucketsSec = [5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1200, 1800];
/** Seconds, for detection, uploads and HTTP calls. */
const shortBucketsSec = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
/** US dollars per attempt: clips cost cents to a few dollars. */
const usdBuckets = [0, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

export interface MetricDefinition {
  name: string;
  kind: 'counter' | 'histogram' | 'upDownCounter';
  /** Recorded as float (`histogram` only): seconds and dollars are fractional. */
  float?: boolean;
  unit?: string;
  help: string;
  labels: readonly string[];
  /** A histogram's bucket bounds, in its unit; the runtime passes them to the exporter by name. */
  buckets?: readonly number[];
}

export const pipelineMetrics = {
  attempts: {
    name: 'scene_video_provider_attempts_total',
    kind: 'counter',
    help: 'Provider attempts that ended, by provider, outcome and reason class.',
    labels: ['provider', 'outcome', 'reason'],
  },
  fallbacks: {
    name: 'scene_video_fallbacks_total',
    kind: 'counter',
    help: 'Scenes that moved on from a failed provider to the next in their ranking.',
    labels: ['from_provider', 'to_provider', 'reason'],
  },
  scenes: {
    name: 'scene_video_scenes_total',
    kind: 'counter',
    help: 'Scenes that ended, by outcome and scene type.',
    labels: ['outcome', 'scene_type'],
  },
  renderSeconds: {
    name: 'scene_video_render_seconds',
    kind: 'histogram',
    float: true,
    unit: 's',
    help: "A provider task's render time, from created to completed, without the time it waited in the provider's queue.",
    labels: ['provider', 'outcome'],
    buckets: renderBucketsSec,
  },
  queueSeconds: {
    name: 'scene_video_queue_seconds',
    kind: 'histogram',
    float: true,
    unit: 's',
    help: "Time a provider task waited in the provider's queue or behind its account's concurrency limit (throttled).",
    labels: ['provider'],
    buckets: renderBucketsSec,
  },
  detectionDelaySeconds: {
    name: 'scene_video_detection_delay_seconds',
    kind: 'histogram',
    float: true,
    unit: 's',
    help: 'Time from the provider finishing a task to the worker noticing it.',
    labels: ['provider'],
    buckets: shortBucketsSec,
  },
  uploadBytes: {
    name: 'scene_video_upload_bytes_total',
    kind: 'counter',
    unit: 'By',
    help: 'Clip bytes written to S3.',
    labels: ['provider'],
  },
  uploadSeconds: {
    name: 'scene_video_upload_seconds',
    kind: 'histogram',
    float: true,
    unit: 's',
    help: 'Time to stream one clip from the provider into S3.',
    labels: ['provider', 'outcome'],
    buckets: shortBucketsSec,
  },
  estimatedUsd: {
    name: 'scene_video_attempt_estimated_usd',
    kind: 'histogram',
    float: true,
    unit: 'USD',
    help: "The catalogue's estimate of each attempt's cost; _sum is the estimated spend.",
    labels: ['provider', 'scene_type'],
    buckets: usdBuckets,
  },
  billedUsd: {
    name: 'scene_video_attempt_billed_usd',
    kind: 'histogram',
    float: true,
    unit: 'USD',
    help: 'What each attempt is counted as costing (reported by the provider, or its billing rule); _sum is the spend.',
    labels: ['provider', 'scene_type'],
    buckets: usdBuckets,
  },
  httpRequests: {
    name: 'scene_video_provider_http_requests_total',
    kind: 'counter',
    help: 'Provider API calls, by endpoint (method and path template) and status class.',
    labels: ['endpoint', 'status_class'],
  },
  httpSeconds: {
    name: 'scene_video_provider_http_request_seconds',
    kind: 'histogram',
    float: true,
    unit: 's',
    help: 'Provider API call time, by endpoint.',
    labels: ['endpoint'],
    buckets: shortBucketsSec,
  },
  tasksInFlight: {
    name: 'scene_video_provider_tasks_in_flight',
    kind: 'upDownCounter',
    help: 'Provider status polls under way on this worker: a pollStatus for its whole poll (runs before poll-through-retries), a checkTask for each look. Between looks, and while a scene waits for its webhook, nothing is counted.',
    labels: ['provider'],
  },
} as const satisfies Record<string, MetricDefinition>;

export type PipelineMetricKey = keyof typeof pipelineMetrics;
