import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
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
