import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger, State, Worker } from '@temporalio/worker';
import type { WorkerEnv } from '../config/environment';

/**
 * The worker's health endpoint, for an orchestrator's probes and the image's HEALTHCHECK (`scene-video health`):
 *
 * - `GET /healthz` → 200 while the process runs (liveness);
 * - `GET /readyz` → 200 only while the readiness check passes, 503 otherwise (readiness);
 * - anything else → 404 (405 for another method on those two paths).
 *
 * Bodies are small JSON documents naming states, never configuration or secrets. The readiness check is the seam:
 * the Temporal worker's state (`workerReadiness`) and, from background checks (`watchDependencies`), whether the
 * Temporal server answers and the S3 bucket is reachable, combined by `allReadiness`.
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

/** Ready only when every check is; the body holds every check's details. */
export function allReadiness(...checks: ReadinessCheck[]): ReadinessCheck {
  return async () => {
    const results = await Promise.all(checks.map((check) => check()));
    return Object.assign({}, ...results, { ready: results.every((r) => r.ready) }) as Readiness;
  };
}

/**
 * What a background check found of a dependency: `ok`; `skipped`, when configuration says not to check it; `unknown`
 * before the first check ended; else why it cannot be used. The state goes into the `/readyz` body.
 */
export type DependencyState = 'ok' | 'skipped' | 'unknown' | 'unreachable' | 'forbidden' | 'missing' | 'error';

const usableStates: ReadonlySet<string> = new Set<DependencyState>(['ok', 'skipped']);

/** Whether a state, as found or as read back from a `/readyz` body, lets the worker count as ready. */
export function isUsable(state: string): boolean {
  return usableStates.has(state);
}

/** The dependencies a worker checks, by the names its `/readyz` body gives them. */
export const workerDependencies = ['temporal', 's3'] as const;
export type WorkerDependency = (typeof workerDependencies)[number];

export interface ProbeResult {
  state: DependencyState;
  /** For the worker's log only, never the body: a code (`ECONNREFUSED`, `UNAVAILABLE`, `HTTP 500`), not a message. */
  reason?: string;
}

/**
 * One look at a dependency, which should answer within `timeoutMs`; one that throws counts as `error`, one that does
 * not answer in time as `unreachable`.
 */
export type DependencyProbe = (timeoutMs: number) => Promise<ProbeResult>;

/** For a dependency configuration says not to check. */
export const skippedProbe: DependencyProbe = () => Promise.resolve({ state: 'skipped' });

export interface DependencyWatchOptions {
  /** The pause between the end of one round of checks and the start of the next. */
  intervalMs: number;
  /** Each probe's bound: a round always ends within it. */
  timeoutMs: number;
  /** Told of each change of state, once: not of every check. */
  logger: Pick<Logger, 'info' | 'warn'>;
  now?: () => number;
}

export interface DependencyWatch {
  /** The last results, read from memory: it never waits on a dependency, and calling it causes no check. */
  readonly readiness: ReadinessCheck;
  /** A round of every probe now, or the round already under way; resolves once its results are recorded. */
  checkNow(): Promise<void>;
  /** No round starts after this; one under way records nothing. */
  stop(): void;
}

/**
 * Checks every dependency in the background, a first round at once and then `intervalMs` after each round ends, and
 * keeps the results: `/readyz` answers from them, so a flood of probes makes no flood of calls to Temporal or S3.
 * Ready while every state is `ok` or `skipped`; the details name each dependency's state and since when it holds,
 * and when the last round ended (`checkedAt`), as ISO 8601 times.
 */
export function watchDependencies(
  probes: Readonly<Record<string, DependencyProbe>>,
  opts: DependencyWatchOptions,
): DependencyWatch {
  const now = opts.now ?? Date.now;
  const started = now();
  const current = new Map(
    Object.keys(probes).map((name) => [name, { state: 'unknown' as DependencyState, since: started }]),
  );
  let checkedAt: number | undefined;
  let round: Promise<void> | undefined;
  // A call that outlives its round (a client that retries past its deadline, as the Temporal connection does) is
  // joined by the next round rather than doubled, so a dependency that hangs never has calls piling up.
  const running = new Map<string, Promise<ProbeResult>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const record = (name: string, result: ProbeResult) => {
    const before = current.get(name)!;
    if (before.state === result.state) return;
    const at = now();
    current.set(name, { state: result.state, since: at });
    // The first finding is news only when it is bad; the start line already says what is checked.
    if (before.state === 'unknown' && isUsable(result.state)) return;
    const meta = {
      check: name,
      state: result.state,
      previousState: before.state,
      ...(result.reason === undefined ? {} : { reason: result.reason }),
    };
    if (isUsable(result.state)) {
      opts.logger.info(
        `Readiness: ${name} ${result.state} again, after ${Math.round((at - before.since) / 1000)} s ${before.state}`,
        meta,
      );
    } else {
      opts.logger.warn(
        `Readiness: ${name} ${result.state}${result.reason ? ` (${result.reason})` : ''}; /readyz answers 503 until it is ok`,
        meta,
      );
    }
  };

  const look = (name: string, probe: DependencyProbe): Promise<ProbeResult> => {
    let call = running.get(name);
    if (call === undefined) {
      call = probe(opts.timeoutMs)
        .catch((err: unknown): ProbeResult => ({ state: 'error', reason: err instanceof Error ? err.name : 'error' }))
        .finally(() => running.delete(name));
      running.set(name, call);
    }
    let bound: NodeJS.Timeout | undefined;
    const late = new Promise<ProbeResult>((resolve) => {
      bound = setTimeout(
        () => resolve({ state: 'unreachable', reason: `no answer within ${opts.timeoutMs / 1000} s` }),
        opts.timeoutMs,
      );
      // A round under way never holds up the exit of a worker that has stopped.
      bound.unref();
    });
    return Promise.race([call, late]).finally(() => clearTimeout(bound));
  };

  const checkNow = () => {
    round ??= Promise.all(
      Object.entries(probes).map(async ([name, probe]) => {
        const result = await look(name, probe);
        if (!stopped) record(name, result);
      }),
    ).then(() => {
      checkedAt = now();
      round = undefined;
    });
    return round;
  };

  const loop = () => {
    void checkNow().then(() => {
      if (stopped) return;
      timer = setTimeout(loop, opts.intervalMs);
      timer.unref();
    });
  };
  loop();

  return {
    readiness: () => {
      const details: Record<string, string> = {};
      for (const [name, { state, since }] of current) {
        details[name] = state;
        details[`${name}Since`] = new Date(since).toISOString();
      }
      if (checkedAt !== undefined) details.checkedAt = new Date(checkedAt).toISOString();
      return { ready: [...current.values()].every(({ state }) => isUsable(state)), ...details };
    },
    checkNow,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
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

/** A check's bound: well inside the default interval, and far longer than either server takes to answer when up. */
const probeTimeoutMs = 5_000;

export interface WorkerHealthSources {
  worker: () => Pick<Worker, 'getState'> | undefined;
  dependencies: Readonly<Record<WorkerDependency, DependencyProbe>>;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/**
 * `scene-video worker`'s endpoint, from WORKER_HEALTH_PORT and WORKER_HEALTH_HOST (none when the port is unset): ready
 * while `worker()` returns a running worker and the dependencies, checked every WORKER_READINESS_INTERVAL_SEC, are
 * usable. Says where it listens and what it checks, in one line.
 */
export async function startWorkerHealth(
  env: Pick<WorkerEnv, 'WORKER_HEALTH_PORT' | 'WORKER_HEALTH_HOST' | 'WORKER_READINESS_INTERVAL_SEC'>,
  sources: WorkerHealthSources,
  log: (line: string) => void = console.log,
): Promise<HealthServer | undefined> {
  if (env.WORKER_HEALTH_PORT === undefined) return undefined;
  const watch = watchDependencies(sources.dependencies, {
    intervalMs: env.WORKER_READINESS_INTERVAL_SEC * 1000,
    timeoutMs: probeTimeoutMs,
    logger: sources.logger,
  });
  let server: HealthServer;
  try {
    server = await startHealthServer({
      host: env.WORKER_HEALTH_HOST,
      port: env.WORKER_HEALTH_PORT,
      readiness: allReadiness(workerReadiness(sources.worker), watch.readiness),
    });
  } catch (err) {
    watch.stop();
    throw err;
  }
  const skipped = workerDependencies.filter((name) => sources.dependencies[name] === skippedProbe);
  const checked = workerDependencies.filter((name) => !skipped.includes(name));
  log(
    `scene-video worker health checks on ${server.origin} (${healthPaths.live}, ${healthPaths.ready}); ` +
      `readiness checks ${checked.join(' and ')} every ${env.WORKER_READINESS_INTERVAL_SEC} s` +
      (skipped.length > 0 ? ` (${skipped.join(', ')} skipped)` : ''),
  );
  return {
    ...server,
    close: async () => {
      watch.stop();
      await server.close();
    },
  };
}
