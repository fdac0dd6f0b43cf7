import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendJson } from '../../src/providers/http';
import { closedPortUrl, startStubServer, type StubServer } from './stub-server';

// This file's own process (the stack project forks one per file): the global provider registered here stays here.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const tracer = provider.getTracer('test');

const key = 'sk-span-test-secret-0123456789';

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubServer();
});
afterAll(async () => {
  await stub.close();
  await provider.shutdown();
});
beforeEach(() => exporter.reset());

/** One provider call inside a parent span, as an activity makes it; the call's span and the parent's. */
async function traced(url: string, method: 'GET' | 'POST' = 'POST') {
  const outcome = await tracer.startActiveSpan('RunActivity:createTask', async (parent) => {
    try {
      return await sendJson({
        method,
        url,
        headers: { Authorization: `Bearer ${key}` },
        secret: key,
        body: method === 'POST' ? { prompt: 'a hill', key } : undefined,
        label: `Test ${method} /v1/tasks/{id}`,
        urlTemplate: '/v1/tasks/{id}',
        timeoutMs: 2000,
      });
    } catch (err) {
      return err;
    } finally {
      parent.end();
    }
  });
  const spans = exporter.getFinishedSpans();
  const call = spans.find((s) => s.kind === SpanKind.CLIENT);
  const parent = spans.find((s) => s.name === 'RunActivity:createTask');
  expect(call, spans.map((s) => s.name).join(', ')).toBeDefined();
  return { outcome, call: call!, parent: parent! };
}

/** Everything a span carries that an exporter would send, as one string. */
const exported = (span: ReadableSpan) =>
  JSON.stringify({ name: span.name, attributes: span.attributes, status: span.status, events: span.events });

describe('a provider HTTP call as a span', () => {
  it('is a client span inside the active one, named by its label, with method, URL template and status only', async () => {
    stub.reply({ status: 200, body: { id: 'task-1', echo: key } });
    const { call, parent } = await traced(`${stub.baseUrl}/v1/tasks/task-1?token=query-secret`);
    expect(call.name).toBe('Test POST /v1/tasks/{id}');
    expect(call.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(call.parentSpanId).toBe(parent.spanContext().spanId);
    expect(call.attributes).toEqual({
      'http.request.method': 'POST',
      'url.template': '/v1/tasks/{id}',
      'server.address': '127.0.0.1',
      'http.response.status_code': 200,
    });
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
    for (const hidden of [key, 'query-secret', 'task-1', 'a hill']) expect(exported(call)).not.toContain(hidden);
  });

  it('marks a 4xx or 5xx reply as an error, with its status as the error type', async () => {
    stub.reply({ status: 503, body: { error: `overloaded for ${key}` } });
    const { call } = await traced(`${stub.baseUrl}/v1/tasks/task-2`, 'GET');
    expect(call.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': '503' });
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(exported(call)).not.toContain(key);
  });

  it('records a failed call, with the masked message the activity sees and no status code', async () => {
    const { outcome, call } = await traced(`${await closedPortUrl()}/v1/tasks/task-3`);
    expect(call.status).toMatchObject({ code: SpanStatusCode.ERROR, message: (outcome as Error).message });
    expect(call.status.message).toContain('ECONNREFUSED');
    expect(call.attributes['http.response.status_code']).toBeUndefined();
    expect(call.events.map((e) => e.name)).toEqual(['exception']);
    expect(exported(call)).not.toContain(key);
  });

  it('is a root span of its own when no span is active', async () => {
    stub.reply({ status: 200, body: {} });
    await sendJson({
      method: 'GET',
      url: `${stub.baseUrl}/x`,
      headers: {},
      label: 'Test GET /x',
      urlTemplate: '/x',
      timeoutMs: 2000,
    });
    const [span] = exporter.getFinishedSpans();
    expect(span?.parentSpanId).toBeUndefined();
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
