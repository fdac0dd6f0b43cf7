import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { killWithParent } from '../stack/managed-process';

const root = join(__dirname, '..', '..');

/** A worker program and the line it prints once it polls its task queue. */
export interface WorkerEntry {
  path: string;
  readyLine: string;
  /** Arguments after the path, e.g. `['worker']` for the CLI. */
  args?: string[];
  /** Compiled JavaScript run by plain Node, with no loader (an installed package's bin); TypeScript through tsx otherwise. */
  compiled?: boolean;
}

/** `src/worker/main.ts`, the worker as deployed (`scene-video worker`). */
export const sceneWorker: WorkerEntry = {
  path: join(root, 'src', 'worker', 'main.ts'),
  readyLine: 'scene-video worker on ',
};

export interface WorkerProcessOptions {
  /** The whole environment (`workerEnv`): nothing leaks in from the parent. */
  env: NodeJS.ProcessEnv;
  entry?: WorkerEntry;
  /** Without it, `ready` waits as long as the process lives. */
  readyTimeoutMs?: number;
  /** The repository by default. */
  cwd?: string;
}

export interface WorkerProcess {
  readonly pid: number;
  readonly alive: boolean;
  /** Resolves once the ready line is printed; rejects if the process exits (or the timeout passes) first. */
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  /** Its exit code once it exited by itself; null while it runs or when a signal ended it. */
  readonly exitCode: number | null;
  /** Its stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Sends a signal as is, e.g. SIGSTOP and SIGCONT. */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL: no drain, in-flight activities simply vanish. */
  kill(): Promise<void>;
  /** SIGTERM: the worker drains as in a normal deploy; SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * A worker in its own process, configured only through its environment, so it can be SIGKILLed, frozen, or measured
 * from /proc apart from its parent. It never outlives the parent, even one that is SIGKILLed.
 */
export function spawnWorkerProcess(opts: WorkerProcessOptions): WorkerProcess {
  const entry = opts.entry ?? sceneWorker;
  const loader = entry.compiled ? [] : ['--require', 'tsx/cjs'];
  const child = spawn(process.execPath, [...loader, entry.path, ...(entry.args ?? [])], {
    cwd: opts.cwd ?? root,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${entry.path}`);
  const unwatch = killWithParent(child.pid);
  let log = '';
  let isReady = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(unwatch);
  const { readyTimeoutMs } = opts;
  const ready = new Promise<void>((resolve, reject) => {
    const timer =
      readyTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            reject(new Error(`worker not ready within ${readyTimeoutMs / 1000} s:\n${log.slice(-2000)}`));
            child.kill('SIGKILL');
          }, readyTimeoutMs);
    const onData = (d: Buffer) => {
      log += d.toString();
      // Checked until it is seen, not on every line of a long run's log.
      if (!isReady && log.includes(entry.readyLine)) {
        isReady = true;
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker exited before it was ready (code ${code}, signal ${signal}): ${log.slice(-2000)}`));
    });
  });
  // Whoever does not wait for readiness learns of an early exit from `exited` and the output.
  ready.catch(() => undefined);

  const alive = () => child.exitCode === null && child.signalCode === null;
  const end = async (signal: NodeJS.Signals, graceMs?: number) => {
    if (!alive()) return;
    child.kill(signal);
    const timer = graceMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    pid: child.pid,
    get alive() {
      return alive();
    },
    ready,
    exited,
    get exitCode() {
      return child.exitCode;
    },
    output: () => log,
    signal: (signal) => {
      if (alive()) child.kill(signal);
    },
    kill: () => end('SIGKILL'),
    stop: (graceMs = 30_000) => end('SIGTERM', graceMs),
  };
}

/** Spawns a worker and resolves once it polls its task queue. */
export async function startWorkerProcess(opts: WorkerProcessOptions): Promise<WorkerProcess> {
  const worker = spawnWorkerProcess(opts);
  await worker.ready;
  return worker;
}
