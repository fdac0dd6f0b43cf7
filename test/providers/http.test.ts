import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryAfterMs, sendJson } from '../../src/providers/http';
import { ProviderError, type HttpCallRecord } from '../../src/providers/types';
import { closedPortUrl, startStubServer, unconnectableUrl, type StubServer } from './stub-server';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [{ 'retry-after': '7' }, 7000],
    [{ 'retry-after': '0' }, 0],
    [{ 'retry-after': '1.5' }, 1500],
    [{ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, 30_000],
    [{ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, 0],
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    [{ 'retry-after-ms': 'soon', 'retry-after': '9' }, 9000],
    [{ 'retry-after': 'whenever' }, undefined],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(retryAfterMs(headers, now)).toBe(expected);
  });
});

describe('sendJson', () => {
  let stub: StubServer;
  beforeAll(async () => {
    stub = await startStubServer();
  });
  afterAll(() => stub.close());

  const call = (overrides: Partial<Parameters<typeof sendJson>[0]> = {}) =>
    sendJson({
      method: 'GET',
      url: `${stub.baseUrl}/x`,
      headers: { 'x-api-key': 'secret-key' },
      label: 'Test GET /x',
      urlTemplate: '/x',
      timeoutMs: 2000,
      ...overrides,
    });

  it('parses a JSON body and keeps the raw text', async () => {
    stub.reply({ status: 201, body: { a: 1 } });
    const reply = await call();
    expect(reply).toMatchObject({ status: 201, json: { a: 1 }, text: '{"a":1}' });
  });

  it('leaves json undefined for an empty or non-JSON body', async () => {
    stub.reply({ status: 200, body: '<html>oops</html>' });
    expect((await call()).json).toBeUndefined();
    stub.reply({ status: 204 });
    expect((await call()).json).toBeUndefined();
  });

  it('sends Content-Type only with a body, and the body as JSON', async () => {
    stub.reply({ status: 200, body: {} });
    await call();
    await call({ method: 'POST', body: { b: [1] } });
    const [get, post] = stub.requests.slice(-2);
    expect(get?.headers['content-type']).toBeUndefined();
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers['x-api-key']).toBe('secret-key');
    expect(JSON.parse(post?.body ?? '')).toEqual({ b: [1] });
  });

  it('maps a refused connection to network, requestSent false', async () => {
    const err = await sendJson({
      method: 'POST',
      url: `${await closedPortUrl()}/x`,
      headers: { 'x-api-key': 'secret-key' },
      body: {},
      label: 'Test POST /x',
      urlTemplate: '/x',
      timeoutMs: 2000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'network', requestSent: false, retryable: true });
    expect((err as Error).message).toContain('ECONNREFUSED');
    expect((err as Error).message).not.toContain('secret-key');
  });

  it('reuses one connection for consecutive calls', async () => {
    stub.reply({ status: 200, body: { ok: true } });
    await call();
    const before = stub.connections();
    for (let i = 0; i < 5; i++) await call({ method: i % 2 ? 'POST' : 'GET', body: i % 2 ? { i } : undefined });
    expect(stub.connections()).toBe(before);
  });

  it('maps a connect that never completes to network, requestSent false', async () => {
    const target = await unconnectableUrl();
    try {
      const err = await sendJson({
        method: 'POST',
        url: `${target.url}/x`,
        headers: {},
        body: {},
        label: 'Test POST /x',
        urlTemplate: '/x',
        timeoutMs: 300,
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({
        kind: 'network',
        requestSent: false,
        message: 'Test POST /x: could not connect within 300 ms',
      });
    } finally {
      await target.close();
    }
  });

  it('maps a reply cut off mid-body to network, requestSent true', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"code":200,');
      setTimeout(() => res.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const err = await call({ url: `http://127.0.0.1:${port}/x` }).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'network', requestSent: true });
    } finally {
      server.close();
    }
  });

  it('maps a timeout after sending to network, requestSent true', async () => {
    stub.reply({ status: 200, hang: true });
    const err = await call({ timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'network', requestSent: true });
    expect((err as Error).message).toBe('Test GET /x: no complete response within 150 ms');
  });

  it('maps a caller abort in flight to network, requestSent true', async () => {
    stub.reply({ status: 200, hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await call({ signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'network', requestSent: true, message: 'Test GET /x: aborted by the caller' });
  });

  it('tells its observer each call: the label as the endpoint, the status class, the seconds it took', async () => {
    const seen: HttpCallRecord[] = [];
    const observe = (record: HttpCallRecord) => seen.push(record);
    for (const status of [200, 302, 404, 503]) {
      stub.reply({ status, body: {} });
      await call({ observe });
    }
    stub.reply({ status: 200, hang: true });
    await call({ observe, timeoutMs: 100 }).catch(() => undefined);
    await call({ observe, url: `${await closedPortUrl()}/x` }).catch(() => undefined);
    // A reply refused for its size still had a status.
    stub.reply({ status: 200, body: 'x'.repeat(2048) });
    await call({ observe, maxReplyBytes: 1024 }).catch(() => undefined);
    expect(seen.map((r) => [r.endpoint, r.statusClass])).toEqual([
      ['Test GET /x', '2xx'],
      ['Test GET /x', '3xx'],
      ['Test GET /x', '4xx'],
      ['Test GET /x', '5xx'],
      ['Test GET /x', 'timeout'],
      ['Test GET /x', 'network'],
      ['Test GET /x', '2xx'],
    ]);
    expect(seen[4]!.seconds).toBeGreaterThanOrEqual(0.09);
    expect(seen.every((r) => r.seconds >= 0 && r.seconds < 5)).toBe(true);
  });

  it('tells its observer nothing of a call the caller aborted: it says nothing of the provider', async () => {
    const seen: HttpCallRecord[] = [];
    stub.reply({ status: 200, hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await call({ signal: controller.signal, observe: (r) => seen.push(r) }).catch(() => undefined);
    await call({ signal: AbortSignal.abort(), observe: (r) => seen.push(r) }).catch(() => undefined);
    expect(seen).toEqual([]);
  });

  it('does not send at all when the caller already aborted', async () => {
    const before = stub.requests.length;
    const err = await call({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'network', requestSent: false });
    expect(stub.requests.length).toBe(before);
  });
});
