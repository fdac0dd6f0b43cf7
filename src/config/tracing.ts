import { diag, type Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { tracingEnvFields } from './environment';

/** What a client reads of the tracing variables; the worker's own schema holds the same fields. */
export const clientTracingEnvSchema = z.object(tracingEnvFields('scene-video-client'));
export type TracingEnv = z.infer<typeof clientTracingEnvSchema>;

/** The OTLP/HTTP traces URL the variables name, as the OpenTelemetry specification reads them; undefined when off. */
export function otlpTracesUrl(
  env: Pick<TracingEnv, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'>,
): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined) return undefined;
  const url = new URL(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url.toString();
}

/** The URL as it may be printed: no credentials, no query (either can hold a collector's token). */
export function printableUrl(url: string): string {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
}

export interface Tracing {
  tracer: Tracer;
  /** service.name and service.version, for spans that reach the processor without the provider (the workflows'). */
  resource: Resource;
  spanProcessor: SpanProcessor;
  url: string;
  /** Exports what is still buffered, then stops; spans ended afterwards are dropped. A failed export is only logged. */
  shutdown(): Promise<void>;
}

const packageSchema = z.object({ version: z.string() });

/** From src/config or dist/config alike, the package root is two folders up. */
function packageVersion(): string {
  return packageSchema.parse(JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'))).version;
}

/**
 * A tracer provider exporting over OTLP/HTTP in batches, registered as the process's global one with an
 * AsyncLocalStorage context manager and the W3C propagator, which is what carries a trace across Temporal's headers;
 * undefined, with nothing loaded or registered, when no endpoint is configured. A process that registered its own
 * provider first keeps it (the OpenTelemetry API refuses a second), and these spans still go to this exporter.
 */
export function startTracing(env: TracingEnv): Tracing | undefined {
  const url = otlpTracesUrl(env);
  if (url === undefined) return undefined;
  // Loaded only when tracing is on: about 120 ms of module loading a CLI command without tracing does not pay.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { Resource } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { BatchSpanProcessor } =
    require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { NodeTracerProvider } =
    require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const resource = Resource.default().merge(
    new Resource({ 'service.name': env.OTEL_SERVICE_NAME, 'service.version': packageVersion() }),
  );
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return {
    tracer: provider.getTracer('scene-video'),
    resource,
    spanProcessor,
    url,
    // Never throws: an unreachable receiver loses the last spans, it does not fail the worker's stop or a client's close.
    shutdown: () =>
      provider
        .shutdown()
        .catch((err: unknown) => diag.warn(`spans not exported at shutdown to ${printableUrl(url)}`, err)),
  };
}
