import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson } from '../../src/providers/http';
import { createPiapiClient } from '../../src/providers/piapi';
import { createRunwayClient } from '../../src/providers/runway';
import { ProviderError, type GenerationRequest } from '../../src/providers/types';

const MiB = 1024 * 1024;

/** How the hostile server answers: a body that never ends, or one of `bytes` (announced or chunked). */
type Hostility = { body: 'endless' } | { body: 'sized'; bytes: number; announce: boolean };

/**
 * A provider endpoint gone wrong: answers every request 200 with a JSON-looking body that is far too big or endless,
 * written with back-pressure, and counts the bytes it managed to hand to each connection.
 */
async function startHostileServer(): Promise<{
  baseUrl: string;
  set(h: Hostility): void;
  /** Bytes written for the latest request when its connection closed. */
  lastSent(): Promise<number>;
  close(): Promise<void>;
}> {
  let hostility: Hostility = { body: 'endless' };
  let finished: Promise<number> = Promise.resolve(0);
  const filler = Buffer.alloc(64 * 1024, 'x');
  const server: Server = createServer((req, res) => {
    req.resume();
    finished = new Promise((resolve) => {
      let sent = 0;
      res.once('close', () => resolve(sent));
      const h = hostility;
      const total = h.body === 'endless' ? Infinity : h.bytes;
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(h.body === 'sized' && h.announce ? { 'content-length': String(h.bytes) } : {}),
      });
      const pump = (out: ServerResponse) => {
        while (sent < total && !out.destroyed) {
          const piece = total - sent >= filler.length ? filler : filler.subarray(0, total - sent);
          sent += piece.length;
          if (!out.write(piece)) return void out.once('drain', () => pump(out));
        }
        if (!out.destroyed) out.end();
      };
      res.write('{"code":200,"data":{"task_id":"t1","status":"pending","padding":"');
      pump(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    set: (h) => void (hostility = h),
    lastSent: () => finished,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const request: GenerationRequest = {
  prompt: 'a lighthouse at dusk',
  durationSec: 5,
  aspectRatio: '16:9',
  model: { route: 'piapi', model: 'kling', taskType: 'video_generation' },
};

describe('provider replies that are too big to read', () => {
  let hostile: Awaited<ReturnType<typeof startHostileServer>>;
  beforeAll(async () => {
    hostile = await startHostileServer();
  });
  afterAll(() => hostile.close());

  const failureOf = (p: Promise<unknown>) =>
    p.then(
      () => expect.fail('the call succeeded'),
      (e: unknown) => e as ProviderError,
    );

  /** Both adapters, with a 1 MiB reply cap, talking to the hostile server set to answer an endless or a 60 MB body. */
  const adaptersFacing = (kind: 'endless' | 'sized') => {
    hostile.set(kind === 'endless' ? { body: 'endless' } : { body: 'sized', bytes: 60_000_000, announce: false });
    return {
      piapi: createPiapiClient({ baseUrl: hostile.baseUrl, apiKey: 'k', maxReplyBytes: MiB }),
      runway: createRunwayClient({ baseUrl: hostile.baseUrl, apiKey: 'k', maxReplyBytes: MiB }),
    };
  };

  it.each([
    ['endless', { body: 'endless' }],
    ['60 MB, chunked', { body: 'sized', bytes: 60_000_000, announce: false }],
  ] as const)(
    'sendJson stops reading a %s body at the cap and fails as a protocol error, request sent',
    async (_name, h) => {
      hostile.set(h);
      const started = Date.now();
      const rssBefore = process.memoryUsage().rss;
      const err = await failureOf(
        sendJson({
          method: 'GET',
          url: `${hostile.baseUrl}/x`,
          headers: {},
          label: 'Test GET /x',
          urlTemplate: '/x',
          timeoutMs: 20_000,
          maxReplyBytes: 2 * MiB,
        }),
      );
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ kind: 'protocol', requestSent: true, httpStatus: 200, retryable: false });
      expect(err.message).toMatch(/^Test GET \/x: HTTP 200 reply exceeds \d+ bytes, over the 2097152-byte limit/);
      // Ended by the cap, not by the 20 s call timeout, and the server was cut off soon after the cap.
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await hostile.lastSent()).toBeLessThan(40 * MiB);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * MiB);
    },
  );

  it('refuses a body whose Content-Length is over the cap without reading it', async () => {
    hostile.set({ body: 'sized', bytes: 60_000_000, announce: true });
    const err = await failureOf(
      sendJson({
        method: 'GET',
        url: `${hostile.baseUrl}/x`,
        headers: {},
        label: 'Test GET /x',
        urlTemplate: '/x',
        timeoutMs: 20_000,
      }),
    );
    expect(err).toMatchObject({ kind: 'protocol', requestSent: true });
    expect(err.message).toContain('announces 60000000 bytes, over the 4194304-byte limit');
  });

  it('still reads a reply just under the cap', async () => {
    hostile.set({ body: 'sized', bytes: MiB - 100, announce: false });
    const reply = await sendJson({
      method: 'GET',
      url: `${hostile.baseUrl}/x`,
      headers: {},
      label: 'Test GET /x',
      urlTemplate: '/x',
      timeoutMs: 20_000,
      maxReplyBytes: MiB,
    });
    expect(reply.status).toBe(200);
    expect(reply.text.length).toBeGreaterThan(MiB - 100);
  });

  it.each(['endless', 'sized'] as const)(
    'at create (%s body) both adapters fail with a sent-request protocol error: an ambiguous create',
    async (kind) => {
      const { piapi, runway } = adaptersFacing(kind);
      const errors = [
        await failureOf(piapi.createTask(request, { timeoutMs: 20_000 })),
        await failureOf(
          runway.createTask(
            { ...request, durationSec: 5, model: { route: 'runway', model: 'gen4.5' } },
            { timeoutMs: 20_000 },
          ),
        ),
      ];
      for (const err of errors) {
        expect(err).toBeInstanceOf(ProviderError);
        expect(err).toMatchObject({ kind: 'protocol', requestSent: true });
        expect(err.message).toMatch(
          /^(PiAPI POST \/api\/v1\/task|Runway POST \/v1\/text_to_video): HTTP 200 reply exceeds/,
        );
      }
    },
  );

  it.each(['endless', 'sized'] as const)(
    'at status (%s body) both adapters fail with a protocol error a poll can retry',
    async (kind) => {
      const { piapi, runway } = adaptersFacing(kind);
      for (const err of [
        await failureOf(piapi.getTask('t1', { timeoutMs: 20_000 })),
        await failureOf(runway.getTask('t1', { timeoutMs: 20_000 })),
      ]) {
        expect(err).toMatchObject({ kind: 'protocol', requestSent: true });
        expect(err.message).toMatch(/\/\{id\}: HTTP 200 reply exceeds \d+ bytes, over the 1048576-byte limit/);
      }
    },
  );
});
