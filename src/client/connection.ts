import { Client, Connection, type ClientInterceptors, type WorkflowClientInterceptor } from '@temporalio/client';
import { formatZodError } from '../contract/format-zod-error';
import { checkNamespaceSetup } from '../config/namespace-search-attributes';
import {
  loadTemporalConnection,
  taskQueueSchema,
  unreachableHint,
  withoutSecrets,
  type TemporalConnection,
} from '../config/temporal-connection';
import { clientTracingEnvSchema, startTracing, type TracingEnv } from '../config/tracing';

type OpenTelemetryInterceptors = typeof import('@temporalio/interceptors-opentelemetry');

export interface ClientEnv {
  temporal: TemporalConnection;
  taskQueue: string;
  /** With an OTLP endpoint, `connectFromEnv` traces every workflow call it makes and exports the spans there. */
  tracing?: TracingEnv;
}

/**
 * The connection as Temporal's SDKs and CLI read it (see `loadTemporalConnection`), TEMPORAL_TASK_QUEUE, and
 * OpenTelemetry's OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_SERVICE_NAME.
 */
export function loadClientEnv(env: NodeJS.ProcessEnv = process.env): ClientEnv {
  const tracing = clientTracingEnvSchema.safeParse(env);
  if (!tracing.success) throw new Error(`Invalid tracing environment: ${formatZodError(tracing.error)}`);
  return {
    temporal: loadTemporalConnection(env),
    taskQueue: taskQueueSchema.parse(env.TEMPORAL_TASK_QUEUE),
    tracing: tracing.data,
  };
}

export interface SceneVideoClient {
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /**
   * Check once, at connect, that the namespace has the search attributes scene-video writes, with their types (one
   * ListSearchAttributes call); a NamespaceSetupError says which are missing or wrong and how to fix it. On by
   * default; a server that refuses the call (Temporal Cloud) or does not answer it skips the check.
   */
  checkSearchAttributes?: boolean;
  /**
   * Passed to the Temporal client, e.g. `{ workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer })] }`
   * (@temporalio/interceptors-opentelemetry) to trace with an OpenTelemetry setup of your own rather than the
   * environment's. Workflow interceptors run after the one the environment's tracing adds.
   */
  interceptors?: ClientInterceptors & { workflow?: WorkflowClientInterceptor[] };
}

export async function connectFromEnv(
  env: ClientEnv = loadClientEnv(),
  options: ConnectOptions = {},
): Promise<SceneVideoClient> {
  let connection: Connection;
  try {
    connection = await Connection.connect(env.temporal.connectionOptions);
  } catch (err) {
    throw new Error(
      `Cannot connect to Temporal at ${env.temporal.address} (${withoutSecrets((err as Error).message, env.temporal)}). ${unreachableHint}`,
    );
  }
  if (options.checkSearchAttributes !== false) {
    try {
      await checkNamespaceSetup(connection, env.temporal.namespace);
    } catch (err) {
      await connection.close();
      throw err;
    }
  }
  const tracing = env.tracing && startTracing(env.tracing);
  const traced: WorkflowClientInterceptor[] = [];
  if (tracing) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on, like its SDK
    const otel = require('@temporalio/interceptors-opentelemetry') as OpenTelemetryInterceptors;
    traced.push(new otel.OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer }));
  }
  const interceptors = { ...options.interceptors, workflow: [...traced, ...(options.interceptors?.workflow ?? [])] };
  return {
    client: new Client({ connection, namespace: env.temporal.namespace, interceptors }),
    taskQueue: env.taskQueue,
    close: async () => {
      try {
        await connection.close();
      } finally {
        // Last: the spans of the last calls are exported too.
        await tracing?.shutdown();
      }
    },
  };
}
