import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Sandbox } from '../../../dev/sandbox';
import type { S3Endpoint } from '../../../dev/stack/s3-server';
import { workerEnv } from '../../helpers/worker-env';
import type { ChaosStack } from './chaos-stack';

const root = join(__dirname, '..', '..', '..');
const readyLine = 'scene-video worker on ';

export interface WorkerProcessOptions {
  stack: ChaosStack;
  sandbox: Sandbox;
  taskQueue: string;
  s3Prefix: string;
  /** Another S3 server than the stack's, e.g. one the scenario takes down. */
  s3?: S3Endpoint;
  /** Extra worker variables, e.g. tighter limits. */
  env?: Record<string, string>;
}

/**
 * The real `src/worker/main.ts`, one process at a time, configured only through its environment, so it can be SIGKILLed
 * at any moment and replaced as a supervisor would. Every generation's stdout and stderr is kept for secret scans.
 */
export class WorkerSupervisor {
  private child?: ChildProcess;
  private log = '';
  private intentional = new WeakSet<ChildProcess>();
  kills = 0;
  /** Workers that exited without being told to, e.g. because the server was gone too long. */
  unexpectedExits = 0;
  /** When the current worker became ready; activities started before it ran on a predecessor. */
  readyAt = 0;
  /** When the current worker was spawned: every activity started since then runs (or ran) on it. */
  spawnedAt = 0;
  private frozen = false;

  constructor(private readonly opts: WorkerProcessOptions) {}

  /** Starts a worker and resolves once it polls its task queue. */
  async start(): Promise<void> {
    const { stack, sandbox, taskQueue, s3Prefix } = this.opts;
    const s3 = this.opts.s3 ?? stack.s3;
    this.spawnedAt = Date.now();
    this.frozen = false;
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(root, 'src', 'worker', 'main.ts')], {
      cwd: root,
      env: {
        ...workerEnv({ temporalAddress: stack.temporalAddress, namespace: stack.namespace, s3 }, sandbox, {
          taskQueue,
          s3Prefix,
        }),
        ...this.opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const ready = new Promise<void>((resolve, reject) => {
      let seen = '';
      const onData = (d: Buffer) => {
        const text = d.toString();
        this.log += text;
        seen += text;
        if (seen.includes(readyLine)) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => {
        if (!this.intentional.has(child)) this.unexpectedExits++;
        reject(new Error(`worker exited before it was ready (code ${code}, signal ${signal}): ${seen.slice(-2000)}`));
      });
    });
    await ready;
    this.readyAt = Date.now();
  }

  /** The current worker's process id, while it runs. */
  get pid(): number | undefined {
    return this.alive ? this.child?.pid : undefined;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: no drain, no goodbye, in-flight activities simply vanish. */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
    this.kills++;
  }

  /** SIGTERM: the worker drains as in a normal deploy. */
  async stop(): Promise<void> {
    await this.end('SIGTERM');
  }

  /**
   * SIGSTOP: the worker neither finishes nor starts anything until `thaw` (the server may still hand it tasks it
   * will never run), so what is in flight can be read from the server before deciding to kill.
   */
  freeze(): void {
    if (!this.alive || this.frozen) return;
    this.child!.kill('SIGSTOP');
    this.frozen = true;
  }

  /** SIGCONT: a frozen worker carries on. */
  thaw(): void {
    if (!this.alive || !this.frozen) return;
    this.child!.kill('SIGCONT');
    this.frozen = false;
  }

  /** Everything every worker generation printed. */
  output(): string {
    return this.log;
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.intentional.add(child);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    // A stopped process would hold a SIGTERM until it runs again.
    if (signal !== 'SIGKILL') this.thaw();
    await exited;
  }
}
