import { trace } from '@opentelemetry/api';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { expect, it } from 'vitest';
import { loadWorkerEnv } from '../../src/config/environment';
import { startWorkerTracing } from '../../src/worker/tracing';
import { closedPortUrl } from '../providers/stub-server';

// Its own process (the stack project forks one per file): the runtime and the tracer provider stay here.
const logged: LogEntry[] = [];
Runtime.install({ logger: new DefaultLogger('WARN', (entry) => logged.push(entry)) });

it('an unreachable receiver loses the spans and says so in the worker log; the stop does not fail', async () => {
  const endpoint = await closedPortUrl();
  const tracing = startWorkerTracing(
    loadWorkerEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint.replace('//', '//user:token@')}/?key=secret` }),
  );
  trace.getTracer('test').startSpan('RunActivity:createTask').end();
  await expect(tracing!.shutdown()).resolves.toBeUndefined();
  const warning = logged.find((e) => e.message.startsWith('OpenTelemetry: spans not exported at shutdown'));
  expect(warning?.level).toBe('WARN');
  expect(warning?.message).toBe(`OpenTelemetry: spans not exported at shutdown to ${endpoint}/v1/traces`);
  expect(JSON.stringify(logged.map((e) => [e.message, e.meta]))).not.toMatch(/token|secret/);
});
