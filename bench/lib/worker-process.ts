import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Sandbox } from '../../dev/sandbox';
import type { Stack } from '../../dev/stack/stack';
import { workerEnv } from '../../test/helpers/worker-env';

const root = join(__dirname, '..', '..');

export interface WorkerProcessOptions {
  stack: Stack;
  /** The sandbox both provider APIs point at. */
  sandbox: Sandbox;
  /** Runs the scene worker (`createSceneWorker`) on this queue. */
  sceneQueue?: string;
  /** Runs the baseline worker on this queue, with the scene worker's settings. */
  baselineQueue?: string;
  /** Passed to the worker factory; its default (200) applies when absent. */
  maxConcurrentActivityTaskExecutions?: number;
}

export interface WorkerProcess {
  pid: number;
  stop(): Promise<void>;
}

/**
 * A worker in its own process, configured through the same environment as `src/worker/main.ts`, so its CPU and RSS can be
 * read from /proc apart from the sandbox and the load generator. The IPC channel ends it if the bench dies.
 */
export async function spawnWorker(opts: WorkerProcessOptions): Promise<WorkerProcess> {
  const { stack, sandbox } = opts;
  let output = '';
  const child: ChildProcess = fork(join(__dirname, 'worker-main.ts'), [], {
    cwd: root,
    execArgv: ['--require', 'tsx/cjs'],
    env: {
      ...workerEnv({ temporalAddress: stack.temporal.address, namespace: stack.temporal.namespace, s3: stack.s3 }, sandbox),
      BENCH_SCENE_QUEUE: opts.sceneQueue ?? '',
      BENCH_BASELINE_QUEUE: opts.baselineQueue ?? '',
      ...(opts.maxConcurrentActivityTaskExecutions
        ? { WORKER_MAX_CONCURRENT_ACTIVITIES: String(opts.maxConcurrentActivityTaskExecutions) }
        : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker not ready within 180 s:\n${output.slice(-2000)}`)),
      180_000,
    );
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready:\n${output.slice(-2000)}`));
    });
  });

  return {
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
