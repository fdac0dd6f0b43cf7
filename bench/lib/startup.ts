import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { killWithParent } from '../../dev/stack/managed-process';
import { sleep } from './concurrency';
import { readProc, statusKb } from './proc';
import { step } from './progress';

const root = join(__dirname, '..', '..');
const MiB = 1024 * 1024;

export interface BuildResult {
  seconds: number;
  /** The build's own timing of its webpack step ("bundling the workflows… done in X s"). */
  bundlingSeconds: number | null;
  bundleMiB: number | null;
}

/** `npm run build` (dev/build/main.ts): dist/ and dist/workflow-bundle.js, its output shown as progress. */
export async function buildDist(): Promise<BuildResult> {
  const started = performance.now();
  const child = spawn('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  let partial = '';
  const onData = (d: Buffer) => {
    log += d.toString();
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) step(`  build: ${line}`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  if (partial.trim()) step(`  build: ${partial}`);
  if (code !== 0) throw new Error(`npm run build exited with ${code}:\n${log.slice(-2000)}`);
  const bundling = /bundling the workflows[^\n]*?done in ([\d.]+) s/.exec(log);
  const size = /workflow bundle ([\d.]+) MiB/.exec(log);
  return {
    seconds: (performance.now() - started) / 1000,
    bundlingSeconds: bundling ? Number(bundling[1]) : null,
    bundleMiB: size ? Number(size[1]) : null,
  };
}

export interface TimedStartOptions {
  client: Client;
  namespace: string;
  taskQueue: string;
  /** Arguments of `node` (process.execPath). */
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The worker's "I am polling" line; its time is a second figure beside the server's view. */
  readyLine: string;
  pollEveryMs?: number;
  timeoutMs?: number;
}

export interface StartSample {
  pid: number;
  taskQueue: string;
  /** spawn() → a DescribeTaskQueue answer that lists a poller of this process (identity `${pid}@…`). */
  toPollingMs: number;
  /** spawn() → the ready line reached this process through the child's pipe; null when it never came. */
  toReadyLineMs: number | null;
  /** spawn() (wall clock) → that poller's lastAccessTime as the dev server recorded it (same machine clock). */
  toServerLastAccessMs: number | null;
  describeCalls: number;
  /** User + system CPU of every thread of the worker process up to the moment polling was seen. */
  cpuMsAtPolling: number | null;
  rssMiBAtPolling: number | null;
  /** VmHWM when polling was seen: the peak RSS of the whole start-up. */
  peakRssMiBAtPolling: number | null;
  /** SIGTERM → exit. */
  stopMs: number;
  exitCode: number | null;
  exitSignal: string | null;
  output: string;
}

async function pollerOf(
  client: Client,
  namespace: string,
  taskQueue: string,
  pid: number,
): Promise<temporal.api.taskqueue.v1.IPollerInfo | undefined> {
  const res = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return res.pollers.find((p) => p.identity?.startsWith(`${pid}@`));
}

/**
 * Spawns one worker on a fresh task queue, times it from spawn() until the dev server lists a poller of that process on
 * the queue (DescribeTaskQueue every `pollEveryMs`), then stops it with SIGTERM and waits for it to exit.
 */
export async function timedStart(opts: TimedStartOptions): Promise<StartSample> {
  const pollEveryMs = opts.pollEveryMs ?? 25;
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const spawnedAtEpoch = Date.now();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, opts.args, { cwd: root, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start node ${opts.args.join(' ')}`);
  const pid = child.pid;
  const unwatch = killWithParent(pid);
  let output = '';
  let readyAt: number | undefined;
  const onData = (d: Buffer) => {
    output += d.toString();
    if (readyAt === undefined && output.includes(opts.readyLine)) readyAt = performance.now();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;

  try {
    let calls = 0;
    let poller: temporal.api.taskqueue.v1.IPollerInfo | undefined;
    for (;;) {
      calls++;
      poller = await pollerOf(opts.client, opts.namespace, opts.taskQueue, pid);
      if (poller) break;
      if (!alive()) throw new Error(`worker ${pid} exited before it polled:\n${output.slice(-2000)}`);
      if (performance.now() - spawnedAt > timeoutMs)
        throw new Error(`worker ${pid} not polling within ${timeoutMs / 1000} s:\n${output.slice(-2000)}`);
      await sleep(pollEveryMs);
    }
    const toPollingMs = performance.now() - spawnedAt;
    const proc = readProc(pid);
    let peakKb: number | null = null;
    try {
      peakKb = statusKb(pid, 'VmHWM');
    } catch {
      // gone between the answer and the read: only the memory figures are lost
    }

    const stopping = performance.now();
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const exit = await exited;
    clearTimeout(force);
    return {
      pid,
      taskQueue: opts.taskQueue,
      toPollingMs,
      toReadyLineMs: readyAt === undefined ? null : readyAt - spawnedAt,
      toServerLastAccessMs: poller.lastAccessTime ? tsToMs(poller.lastAccessTime) - spawnedAtEpoch : null,
      describeCalls: calls,
      cpuMsAtPolling: proc?.cpuMs ?? null,
      rssMiBAtPolling: proc ? proc.rssBytes / MiB : null,
      peakRssMiBAtPolling: peakKb === null ? null : peakKb / 1024,
      stopMs: performance.now() - stopping,
      exitCode: exit.code,
      exitSignal: exit.signal,
      output,
    };
  } finally {
    if (alive()) {
      child.kill('SIGKILL');
      await exited;
    }
    unwatch();
  }
}
