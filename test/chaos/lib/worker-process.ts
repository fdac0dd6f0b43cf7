import { hostname } from 'node:os';
import type { Sandbox } from '../../../dev/sandbox';
import type { S3Endpoint } from '../../../dev/stack/s3-server';
import { workerEnv } from '../../../dev/harness/worker-env';
import { spawnWorkerProcess, type WorkerEntry, type WorkerProcess } from '../../../dev/harness/worker-process';
import type { ChaosStack } from './chaos-stack';

export interface WorkerProcessOptions {
  stack: ChaosStack;
  sandbox: Sandbox;
  taskQueue: string;
  s3Prefix: string;
  /** Another S3 server than the stack's, e.g. one the scenario takes down. */
  s3?: S3Endpoint;
  /** Extra worker variables, e.g. tighter limits. */
  env?: Record<string, string>;
  /** Another worker program than `src/worker/main.ts`, e.g. the built package's `scene-video worker`. */
  entry?: WorkerEntry;
}

/**
 * The real `src/worker/main.ts` (or `entry`), one process at a time, replaced as a supervisor would after each SIGKILL. Every
 * generation's stdout and stderr is kept for secret scans.
 */
export class WorkerSupervisor {
  private current?: WorkerProcess;
  private readonly generations: WorkerProcess[] = [];
  kills = 0;
  /** Workers that exited without being told to, e.g. because the server was gone too long. */
  unexpectedExits = 0;
  /** When the current worker became ready; activities started before it ran on a predecessor. */
  readyAt = 0;
  /** When the current worker was spawned: every activity started since then runs (or ran) on it. */
  spawnedAt = 0;
  private frozen = false;
  private readonly intentional = new WeakSet<WorkerProcess>();

  constructor(private readonly opts: WorkerProcessOptions) {}

  /** Starts a worker and resolves once it polls its task queue. */
  async start(): Promise<void> {
    const { stack, sandbox, taskQueue, s3Prefix } = this.opts;
    const s3 = this.opts.s3 ?? stack.s3;
    this.spawnedAt = Date.now();
    this.frozen = false;
    const worker = spawnWorkerProcess({
      env: {
        ...workerEnv({ temporalAddress: stack.temporalAddress, namespace: stack.namespace, s3 }, sandbox, {
          taskQueue,
          s3Prefix,
        }),
        ...this.opts.env,
      },
      entry: this.opts.entry,
    });
    this.current = worker;
    this.generations.push(worker);
    void worker.exited.then(() => {
      if (!this.intentional.has(worker)) this.unexpectedExits++;
    });
    await worker.ready;
    this.readyAt = Date.now();
  }

  /** The current worker's identity as the SDK reports it to the server (`pid@host`), while it runs. */
  get identity(): string | undefined {
    return this.pid === undefined ? undefined : `${this.pid}@${hostname()}`;
  }

  /** The current worker's process id, while it runs. */
  get pid(): number | undefined {
    return this.alive ? this.current?.pid : undefined;
  }

  get alive(): boolean {
    return this.current?.alive === true;
  }

  /** SIGKILL: no drain, no goodbye, in-flight activities simply vanish. */
  async kill(): Promise<void> {
    if (this.alive) {
      this.intentional.add(this.current!);
      await this.current!.kill();
    }
    this.kills++;
  }

  /** SIGTERM: the worker drains as in a normal deploy. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.intentional.add(this.current!);
    const stopping = this.current!.stop();
    // A stopped process would hold a SIGTERM until it runs again.
    this.thaw();
    await stopping;
  }

  /**
   * SIGSTOP: the worker neither finishes nor starts anything until `thaw` (the server may still hand it tasks it
   * will never run), so what is in flight can be read from the server before deciding to kill.
   */
  freeze(): void {
    if (!this.alive || this.frozen) return;
    this.current!.signal('SIGSTOP');
    this.frozen = true;
  }

  /** SIGCONT: a frozen worker carries on. */
  thaw(): void {
    if (!this.alive || !this.frozen) return;
    this.current!.signal('SIGCONT');
    this.frozen = false;
  }

  /** Everything every worker generation printed. */
  output(): string {
    return this.generations.map((w) => w.output()).join('');
  }
}
