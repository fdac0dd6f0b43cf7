import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { formatZodError } from '../contract/format-zod-error';
import { routeRegistry, type RouteBaseUrlEnv, type RouteKeyEnv } from '../providers/routes';
import { taskQueueSchema } from './temporal-connection';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1'));

/** Each provider route's key and base URL, named once in the route registry. */
const routeVariables = Object.fromEntries(
  Object.values(routeRegistry).flatMap((r) => [
    [r.keyEnv, optionalString],
    [r.baseUrlEnv, z.url().default(r.defaultBaseUrl)],
  ]),
) as Record<RouteKeyEnv, typeof optionalString> & Record<RouteBaseUrlEnv, z.ZodDefault<z.ZodURL>>;

/** Without the scheme check, `localhost:4318` passes as a URL of scheme `localhost:` and no span ever arrives. */
const otlpUrl = optionalString.pipe(
  z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. http://localhost:4318' }).optional(),
);
const otlpProtocol = optionalString.pipe(
  z
    .enum(['http/json', 'http/protobuf', 'grpc'])
    .refine((p) => p !== 'grpc', {
      error:
        "grpc is not supported: traces are sent over OTLP/HTTP (JSON bodies). Unset it or set http/json, and point the endpoint at the receiver's HTTP port (4318 by convention)",
    })
    .optional(),
);

/**
 * OpenTelemetry traces (src/config/tracing.ts), read by the worker and by clients alike, each with its own service
 * name. Exported over OTLP/HTTP when an endpoint is set, with the standard meanings: the base endpoint (`/v1/traces`
 * is appended) or the traces endpoint as is. Unset, no tracing. The exporter reads OTEL_EXPORTER_OTLP_HEADERS itself.
 */
export function tracingEnvFields(defaultServiceName: string) {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol,
    OTEL_SERVICE_NAME: optionalString.transform((v) => v ?? defaultServiceName),
    /** Sent by the exporter, which reads them itself; here only so that no log line shows their values. */
    OTEL_EXPORTER_OTLP_HEADERS: optionalString,
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: optionalString,
  };
}

/**
 * The OTLP receiver's credentials: the header values (`key=value` pairs, comma-separated, percent-encoded) and the
 * endpoints' user, password and query values. A receiver's error reply, which OpenTelemetry logs whole, may echo them.
 */
function otlpSecrets(env: WorkerEnv): string[] {
  const headerValues = [env.OTEL_EXPORTER_OTLP_HEADERS, env.OTEL_EXPORTER_OTLP_TRACES_HEADERS].flatMap((headers) =>
    (headers ?? '').split(',').flatMap((pair) => {
      const at = pair.indexOf('=');
      return at === -1 ? [] : [decoded(pair.slice(at + 1).trim())];
    }),
  );
  const urlParts = [env.OTEL_EXPORTER_OTLP_ENDPOINT, env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT].flatMap((endpoint) => {
    if (endpoint === undefined) return [];
    const url = new URL(endpoint);
    return [decoded(url.username), decoded(url.password), ...url.searchParams.values()];
  });
  return [...headerValues, ...urlParts].filter((value) => value !== '');
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `ip:port` or `[ipv6]:port`: what the SDK's Prometheus exporter binds (a socket address, never a host name). */
function isSocketAddress(address: string): boolean {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address);
  if (!match) return false;
  const port = Number(match[3]);
  return port >= 1 && port <= 65_535 && (match[1] !== undefined ? isIPv6(match[1]) : isIPv4(match[2]!));
}

const deploymentVariable = 'TEMPORAL_DEPLOYMENT_NAME';
const buildIdVariable = 'TEMPORAL_WORKER_BUILD_ID';

const workerEnvFields = z.object({
  TEMPORAL_TASK_QUEUE: taskQueueSchema,
  /**
   * Worker Versioning: the Worker Deployment and the build this process runs (both or neither). The names are the ones
   * the Temporal Worker Controller sets in the pods it runs (temporalio/temporal-worker-controller,
   * internal/k8s/deployments.go, ApplyControllerPodSpecModifications), so such a pod needs no mapping.
   */
  [deploymentVariable]: optionalString.refine((name) => !/[.:]/.test(name ?? ''), {
    error: "must not contain '.' or ':': the server refuses them, as they separate deployment and build in version ids",
  }),
  [buildIdVariable]: optionalString,

  ...routeVariables,
  /** The local emulator's origin: the only plain-http, loopback origin downloads may use. */
  SANDBOX_ORIGIN: optionalString.pipe(z.url().optional()),

  SCENE_VIDEO_CATALOGUE: optionalString,
  SCENE_VIDEO_DISABLED_PROVIDERS: optionalString,

  S3_BUCKET: z.string().min(3).default('scene-videos'),
  S3_PREFIX: z.string().default('ai-videos'),
  S3_ENDPOINT: optionalString.pipe(z.url().optional()),
  S3_REGION: z.string().default('us-east-1'),
  S3_FORCE_PATH_STYLE: booleanFlag,
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  /** Original design: keep the provider URL with `stored: false` when storage stays down; `fail` fails the scene. */
  STORAGE_FAILURE_MODE: z.enum(['provider-url', 'fail']).default('provider-url'),
  /**
   * HeadBucket at worker start, so a missing bucket, refused credentials or an unreachable endpoint stop the worker
   * before it pays for clips it cannot store. `false` for credentials that may write objects but not list the bucket.
   */
  S3_STARTUP_CHECK: booleanFlag.transform((v) => v ?? true),
  /**
   * Activity slots: polls, creates and uploads in flight at once. B6 measured no heartbeat timeout at 200 on 2 cores;
   * scale out with more worker processes rather than more slots.
   */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).default(200),
  /** Scene workflows kept in memory between tasks (unset: the SDK's default, sized from the heap limit). */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  MAX_VIDEO_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(4 * 1024 ** 3),
  /** A video download averaging less over the window fails and is tried again; 0 turns the check off. */
  DOWNLOAD_MIN_BYTES_PER_SEC: z.coerce
    .number()
    .int()
    .min(0)
    .default(16 * 1024),
  DOWNLOAD_THROUGHPUT_WINDOW_SEC: z.coerce.number().int().min(1).max(3_600).default(60),
  /** The largest provider API reply body read; a longer one fails that call (an ambiguous create, a failed poll). */
  PROVIDER_MAX_REPLY_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(4 * 1024 * 1024),
  /**
   * The circuit breaker shared by every worker on the task queue (src/domain/provider-gate.ts): this many provider-side
   * failures of one catalogue entry within the window skip it for the cooldown, then one probe decides. 0 turns it off.
   */
  PROVIDER_BREAKER_FAILURES: z.coerce.number().int().min(0).max(1_000).default(5),
  PROVIDER_BREAKER_WINDOW_SEC: z.coerce.number().int().min(1).max(86_400).default(60),
  PROVIDER_COOLDOWN_SEC: z.coerce.number().int().min(1).max(86_400).default(120),
  /** How often a provider gate checks that the scenes holding or waiting for its leases still run, and frees theirs. */
  PROVIDER_GATE_HOLDER_CHECK_SEC: z.coerce.number().int().min(1).max(3_600).default(30),

  /**
   * The health endpoint (src/worker/health-server.ts): GET /healthz and /readyz on this port. Unset or blank, none is
   * served; the image sets 8080, and `scene-video health` asks the same port.
   */
  WORKER_HEALTH_PORT: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).max(65_535).optional()),
  /** The health endpoint's address: loopback unless set; the image sets 0.0.0.0 so probes from outside reach it. */
  WORKER_HEALTH_HOST: optionalString.transform((v) => v ?? '127.0.0.1'),
  /**
   * How often the worker checks, in the background, that the Temporal server answers and the S3 bucket is reachable;
   * /readyz answers from the last results, so a probe never waits on either and many probes make no more calls.
   */
  WORKER_READINESS_INTERVAL_SEC: z.coerce.number().int().min(1).max(3_600).default(10),

  /** `text` (the default, for people) or `json`: one JSON object per line, for a log pipeline (src/worker/logger.ts). */
  LOG_FORMAT: z.enum(['text', 'json']).default('text'),
  LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /**
   * `host:port` where the worker serves Prometheus metrics at /metrics: the Temporal SDK's and the pipeline's own
   * (src/contract/metrics.ts). Unset or blank, no metrics are exported; the image and the compose file set 0.0.0.0:9464.
   */
  WORKER_METRICS_ADDRESS: optionalString.refine((address) => address === undefined || isSocketAddress(address), {
    error:
      'must be an IP address and a port, e.g. 0.0.0.0:9464 (every interface), 127.0.0.1:9464 or [::]:9464: the exporter takes no host name such as localhost',
  }),
  ...tracingEnvFields('scene-video-worker'),

  /**
   * Webhooks first (src/webhooks): the public base URL at which the webhook receiver is reached, e.g.
   * https://hooks.example.com. Set with WEBHOOK_SECRET, every PiAPI task registers a webhook there carrying a token bound
   * to its scene and attempt, and the scene waits for it without holding an activity slot; unset, tasks are polled.
   */
  WEBHOOK_PUBLIC_URL: optionalString.pipe(
    z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, e.g. https://hooks.example.com' })
      // The webhook's path and token are appended: after a query or a fragment they would not be its path.
      .refine((url) => !/[?#]/.test(url), {
        error: 'must have no query or fragment (?…, #…): /webhooks/piapi/<token> is appended to it',
      })
      .optional(),
  ),
  /** Sent by PiAPI in `x-webhook-secret` and the key that signs webhook tokens: at least 32 characters of randomness. */
  WEBHOOK_SECRET: optionalString
    .refine((v) => v === undefined || v.length >= 32, {
      error: 'must be at least 32 characters (e.g. `openssl rand -hex 32`): it signs the webhook tokens',
    })
    // Other characters reach the receiver as whatever bytes the sender's HTTP library writes, and never match.
    .refine((v) => v === undefined || /^[\x21-\x7e]+$/.test(v), {
      error: 'must be printable ASCII without spaces (e.g. `openssl rand -hex 32`): PiAPI sends it in an HTTP header',
    }),
  /** Where this worker process serves the webhook receiver; unset, it serves none (`scene-video webhooks` can). */
  WEBHOOK_PORT: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).max(65_535).optional()),
  WEBHOOK_HOST: optionalString.transform((v) => v ?? '127.0.0.1'),
  /** How often a scene waiting for a webhook asks the provider itself: the safety net for a webhook that never comes. */
  WEBHOOK_BACKSTOP_POLL_SEC: z.coerce.number().int().min(1).max(3_600).default(60),
});

/**
 * Everything the worker reads from its environment besides the connection to Temporal (`loadTemporalConnection`).
 * Secrets stay in this object, in the worker's memory only.
 */
export const workerEnvSchema = workerEnvFields.superRefine((env, ctx) => {
  if ((env.WEBHOOK_PUBLIC_URL === undefined) !== (env.WEBHOOK_SECRET === undefined)) {
    const [set, missing] =
      env.WEBHOOK_PUBLIC_URL !== undefined
        ? ['WEBHOOK_PUBLIC_URL', 'WEBHOOK_SECRET']
        : ['WEBHOOK_SECRET', 'WEBHOOK_PUBLIC_URL'];
    ctx.addIssue({
      code: 'custom',
      path: [missing],
      message: `must be set too, since ${set} is: webhooks need both; unset ${set} to poll every task`,
    });
  }
  const deploymentSet = env[deploymentVariable] !== undefined;
  if (deploymentSet === (env[buildIdVariable] !== undefined)) return;
  const [set, missing] = deploymentSet ? [deploymentVariable, buildIdVariable] : [buildIdVariable, deploymentVariable];
  ctx.addIssue({
    code: 'custom',
    path: [missing],
    message: `must be set too, since ${set} is: a versioned worker needs both; unset ${set} for an unversioned worker`,
  });
});
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

/** The worker's credentials: the providers' API keys, the S3 secret key and the OTLP receiver's, which no log line may show. */
export function workerSecrets(env: WorkerEnv): (string | undefined)[] {
  return [
    ...Object.values(routeRegistry).map((r) => env[r.keyEnv as RouteKeyEnv]),
    env.S3_SECRET_ACCESS_KEY,
    env.WEBHOOK_SECRET,
    ...otlpSecrets(env),
  ];
}

/** `scene-video webhooks`, the receiver on its own: the worker's variables for it, the secret and port required. */
export const webhookReceiverEnvSchema = workerEnvFields
  .pick({ WEBHOOK_SECRET: true, WEBHOOK_PORT: true, WEBHOOK_HOST: true })
  .superRefine((env, ctx) => {
    const required = {
      WEBHOOK_SECRET: "is required: the workers' WEBHOOK_SECRET, which PiAPI sends and which signs the tokens",
      WEBHOOK_PORT: 'is required: the port the receiver listens on, e.g. 8080',
    } as const;
    for (const [name, message] of Object.entries(required))
      if (env[name as keyof typeof required] === undefined) ctx.addIssue({ code: 'custom', path: [name], message });
  });

export function loadWebhookReceiverEnv(env: NodeJS.ProcessEnv = process.env) {
  const parsed = webhookReceiverEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid webhook receiver environment: ${formatZodError(parsed.error)}`);
  return parsed.data as { WEBHOOK_SECRET: string; WEBHOOK_PORT: number; WEBHOOK_HOST: string };
}

/** The S3 connection alone, as the worker reads it: what a client needs to presign URLs to its clips. */
export const s3EnvSchema = workerEnvFields.pick({
  S3_REGION: true,
  S3_ENDPOINT: true,
  S3_FORCE_PATH_STYLE: true,
  S3_ACCESS_KEY_ID: true,
  S3_SECRET_ACCESS_KEY: true,
});

export function loadS3Env(env: NodeJS.ProcessEnv = process.env): z.infer<typeof s3EnvSchema> {
  const parsed = s3EnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid S3 environment: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

export function loadWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = workerEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid worker environment: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
