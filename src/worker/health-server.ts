import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { State, Worker } from '@temporalio/worker';
import type { WorkerEnv } from '../config/environment';

/**
 * The worker's health endpoint, for an orchestrator's probes and the image's HEALTHCHECK (`scene-video health`):
 *
 * - `GET /healthz` → 200 while the process runs (liveness);
 * - `GET /readyz` → 200 only while the readiness check passes, 503 otherwise (readiness);
 * - anything else → 404 (405 for another method on those two paths).
 *
 * Bodies are small JSON documents naming states, never configuration or secrets. The readiness check is the seam:
 * today the Temporal worker's state alone (`workerReadiness`); #17 adds S3 reachability and metrics beside it.
 */
export const healthPaths = { live: '/healthz', ready: '/readyz' } as const;

/** What a readiness check found; every field but `ready` goes into the `/readyz` body as is. */
export interface Readiness {
  ready: boolean;
  [detail: string]: string | number | boolean;
}

export type ReadinessCheck = () => Readiness | Promise<Readiness>;

/** Before the worker exists (its bundle loads, it connects) there is no SDK state yet; readiness reports this one. */
export const startingState = 'STARTING';

/**
 * Ready only while the worker polls (`RUNNING`): not before it runs, and not once SIGTERM or SIGINT has started the
 * drain (`STOPPING`, `DRAINING`, `DRAINED`), nor after it stopped or failed.
 */
export function workerReadiness(worker: () => Pick<Worker, 'getState'> | undefined): ReadinessCheck {
  return () => {
    const state: State | typeof startingState = worker()?.getState() ?? startingState;
    return { ready: state === 'RUNNING', state };
  };
}

export interface HealthResponse {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

/** The answer to one request, from its method and URL; the server only writes it out. */
export async function healthResponse(
  method: string | undefined,
  url: string | undefined,
  readiness: ReadinessCheck,
): Promise<HealthResponse> {
  const path = pathOf(url);
  if (path !== healthPaths.live && path !== healthPaths.ready) return { status: 404, body: { error: 'not found' } };
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, headers: { allow: 'GET, HEAD' }, body: { error: 'method not allowed' } };
  }
  if (path === healthPaths.live) return { status: 200, body: { status: 'ok' } };
  let result: Readiness;
  try {
    result = await readiness();
  } catch {
    // A check that throws is a check that failed; its message may hold what an unauthenticated caller should not see.
    return { status: 503, body: { status: 'not_ready', error: 'readiness check failed' } };
  }
  const { ready, ...details } = result;
  return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not_ready', ...details } };
}

function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url, 'http://health.invalid').pathname;
  } catch {
    return undefined;
  }
}

export interface HealthServerOptions {
  host: string;
  port: number;
  readiness: ReadinessCheck;
}

export interface HealthServer {
  /** E.g. `http://127.0.0.1:8080`, with the port actually bound. */
  readonly origin: string;
  readonly port: number;
  /** Stops listening and ends open connections; resolves once the server is closed. */
  close(): Promise<void>;
}

/** The server could not listen (the port is taken, the host is not this machine's): one line naming the variables. */
export class HealthServerError extends Error {
  override name = 'HealthServerError';
}

/** Listens on host:port; the server never keeps the process alive by itself. */
export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((req, res) => {
    void healthResponse(req.method, req.url, opts.readiness).then((answer) => send(req, res, answer));
  });
  // Probes are tiny; a client that dribbles its request is cut off rather than held open.
  server.requestTimeout = 5_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new HealthServerError(
          `Cannot serve health checks on ${hostPort(opts.host, opts.port)} (WORKER_HEALTH_HOST, WORKER_HEALTH_PORT): ${err.code ?? err.message}${err.code === 'EADDRINUSE' ? ', the port is taken' : ''}.`,
        ),
      );
    });
    server.listen(opts.port, opts.host, () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${hostPort(opts.host, port)}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(req: IncomingMessage, res: ServerResponse, answer: HealthResponse): void {
  const body = `${JSON.stringify(answer.body)}\n`;
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...answer.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * `scene-video worker`'s endpoint, from WORKER_HEALTH_PORT and WORKER_HEALTH_HOST (none when the port is unset); ready
 * while `worker()` returns a running worker. Says where it listens, in one line.
 */
export async function startWorkerHealth(
  env: Pick<WorkerEnv, 'WORKER_HEALTH_PORT' | 'WORKER_HEALTH_HOST'>,
  worker: () => Pick<Worker, 'getState'> | undefined,
  log: (line: string) => void = console.log,
): Promise<HealthServer | undefined> {
  if (env.WORKER_HEALTH_PORT === undefined) return undefined;
  const server = await startHealthServer({
    host: env.WORKER_HEALTH_HOST,
    port: env.WORKER_HEALTH_PORT,
    readiness: workerReadiness(worker),
  });
  log(`scene-video worker health checks on ${server.origin} (${healthPaths.live}, ${healthPaths.ready})`);
  return server;
}
