import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox';
import type { Stack } from '../../src/stack/stack';

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
 * A worker in its own process, configured through the same environment as `src/worker.ts`, so its CPU and RSS can be
 * read from /proc apart from the sandbox and the load generator. The IPC channel ends it if the bench dies.
 */
export async function spawnWorker(opts: WorkerProcessOptions): Promise<WorkerProcess> {
  const { stack, sandbox } = opts;
  let output = '';
  const child: ChildProcess = fork(join(__dirname, 'worker-main.ts'), [], {
    cwd: root,
    execArgv: ['--require', 'tsx/cjs'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: stack.temporal.address,
      TEMPORAL_NAMESPACE: stack.temporal.namespace,
      PIAPI_BASE_URL: sandbox.piapiBaseUrl,
      PIAPI_API_KEY: sandbox.apiKeys.piapi,
      RUNWAY_BASE_URL: sandbox.runwayBaseUrl,
      RUNWAY_API_KEY: sandbox.apiKeys.runway,
      SANDBOX_ORIGIN: sandbox.origin,
      S3_BUCKET: stack.s3.bucket,
      S3_ENDPOINT: stack.s3.endpoint,
      S3_REGION: stack.s3.region,
      S3_ACCESS_KEY_ID: stack.s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: stack.s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      BENCH_SCENE_QUEUE: opts.sceneQueue ?? '',
      BENCH_BASELINE_QUEUE: opts.baselineQueue ?? '',
      BENCH_MAX_ACTIVITIES: opts.maxConcurrentActivityTaskExecutions?.toString() ?? '',
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
