import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** A fixture file: where the example comes from, plus what a server answered. */
export interface Fixture {
  source: string;
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

export function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(path.join(__dirname, 'fixtures', name), 'utf8')) as Fixture;
}

export interface StubReply {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON, strings as-is; `hang` never answers. */
  body?: unknown;
  hang?: boolean;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StubServer {
  baseUrl: string;
  requests: RecordedRequest[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** Replies to every following request. */
  reply(reply: StubReply): void;
  close(): Promise<void>;
}

/** A bare HTTP server on 127.0.0.1 that answers whatever the test told it to, recording each request. */
export async function startStubServer(): Promise<StubServer> {
  const requests: RecordedRequest[] = [];
  let next: StubReply = { status: 500, body: { error: 'no reply configured' } };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (next.hang) return;
      const isText = typeof next.body === 'string';
      const payload = next.body === undefined ? '' : isText ? (next.body as string) : JSON.stringify(next.body);
      res.writeHead(next.status, {
        ...(payload !== '' ? { 'Content-Type': isText ? 'text/html' : 'application/json' } : {}),
        ...next.headers,
      });
      res.end(payload);
    });
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    reply(reply) {
      next = reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on, so connecting is refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * A port whose accept queue is full, so a new connection stays in the TCP handshake: the listener lives on a thread
 * that never runs its event loop, and two held connections fill its backlog of one.
 */
export async function unconnectableUrl(): Promise<{ url: string; close(): Promise<void> }> {
  const listener = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const server = require('node:net').createServer();
     server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
       parentPort.postMessage(server.address().port);
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
     });`,
    { eval: true },
  );
  const port = await new Promise<number>((resolve) => listener.once('message', resolve));
  const held: Socket[] = [];
  for (let i = 0; i < 2; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    held.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of held) socket.destroy();
      await listener.terminate();
    },
  };
}

/** One stub server for the test file, its recorded requests cleared before each test; the getter reads it. */
export function useStubServer(): () => StubServer {
  let stub: StubServer | undefined;
  beforeAll(async () => {
    stub = await startStubServer();
  });
  afterAll(() => stub?.close());
  beforeEach(() => {
    stub!.requests.length = 0;
  });
  return () => stub!;
}
