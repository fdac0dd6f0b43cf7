import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { Runtime, type WorkerOptions } from '@temporalio/worker';
import type { WorkerEnv } from '../config/environment';
import { printableUrl, startTracing, type TracingEnv } from '../config/tracing';

type OpenTelemetryInterceptors = typeof import('@temporalio/interceptors-opentelemetry');

export interface WorkerTracing {
  /** Beside the worker's own options: the activities' span interceptors and the sink the workflows' spans leave by. */
  workerOptions: Pick<WorkerOptions, 'interceptors' | 'sinks'>;
  /** Exports the spans still buffered; after the worker stopped, so the last activities' spans are among them. */
  shutdown(): Promise<void>;
}

/**
 * The worker's tracing when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set: a span per
 * activity run (RunActivity:<type>, child of the workflow's StartActivity span) and per provider HTTP call inside it;
 * the workflow spans themselves come from the traced workflow bundle (`sceneWorkflowBundle`). Undefined when off:
 * nothing is loaded or registered.
 */
export function startWorkerTracing(
  env: Pick<WorkerEnv, keyof TracingEnv>,
  log: (line: string) => void = console.log,
): WorkerTracing | undefined {
  const tracing = startTracing(env);
  if (!tracing) return undefined;
  // OpenTelemetry reports a failed export only to its diagnostic logger, silent unless one is set.
  diag.setLogger(runtimeDiagLogger(), DiagLogLevel.WARN);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on
  const otel = require('@temporalio/interceptors-opentelemetry') as OpenTelemetryInterceptors;
  const { tracer } = tracing;
  log(`scene-video worker traces to ${printableUrl(tracing.url)} (OTLP/HTTP) as service ${env.OTEL_SERVICE_NAME}`);
  return {
    workerOptions: {
      interceptors: {
        // The activities' own calls (pollStatus signals progress): spans too, and the trace goes on into the workflow.
        client: { workflow: [new otel.OpenTelemetryWorkflowClientInterceptor({ tracer })] },
        activity: [
          (ctx) => ({
            inbound: new otel.OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
            // Puts trace_id and span_id on the activity's log lines.
            outbound: new otel.OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
      },
      sinks: { exporter: otel.makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
    },
    shutdown: tracing.shutdown,
  };
}

/** OpenTelemetry's own warnings (an unreachable collector) in the worker's log, whatever its format. */
function runtimeDiagLogger(): DiagLogger {
  const log =
    (level: 'warn' | 'error') =>
    (message: string, ...args: unknown[]) =>
      Runtime.instance().logger[level](
        `OpenTelemetry: ${message}`,
        args.length > 0 ? { details: args.map(String) } : {},
      );
  const ignore = () => undefined;
  return { error: log('error'), warn: log('warn'), info: ignore, debug: ignore, verbose: ignore };
}
