import { randomUUID } from 'node:crypto';
import { type Instant, now } from './time';

export type Api = 'piapi' | 'runway';
export type Aspect = '16:9' | '9:16' | '1:1';

/**
 * Provider-neutral lifecycle. A task holds one of its model's concurrency slots while `queued` or `running`;
 * without a free slot it waits as `throttled` (PiAPI shows that as `pending`, Runway as `THROTTLED`).
 */
export type Phase = 'throttled' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export type Outcome =
  | { kind: 'succeed' }
  /**
   * Moderation failures of the input end when the queue phase does (the prompt is rejected before rendering); those of
   * the output (`stage: 'output'`) once rendered.
   */
  | {
      kind: 'fail';
      moderation: boolean;
      stage?: 'input' | 'output';
      code?: number;
      failureCode?: string;
      message?: string;
    }
  | { kind: 'hang' };

export interface TaskSpec<D> {
  api: Api;
  model: string;
  prompt: string;
  aspect: Aspect;
  durationSec: number;
  /** In the API's own unit: USD for PiAPI, credits for Runway. */
  cost: number;
  queueMs: number;
  renderMs: number;
  outcome: Outcome;
  /** Where the output URL points instead of the sandbox (URL-safety tests). */
  unsafeUrl?: string;
  /** What only the owning emulator reads (request echo, webhook config). */
  details: D;
}

export interface SandboxTask<D> extends TaskSpec<D> {
  id: string;
  /** `api:model`, the key for scenario behaviour, concurrency and stats. */
  key: string;
  /** Names the output file, so its URL does not reveal the task id (as PiAPI's ephemeral URLs). */
  fileId: string;
  phase: Phase;
  createdAt: Instant;
  startedAt?: Instant;
  endedAt?: Instant;
  deleted: boolean;
}

export interface TaskStoreHooks<D> {
  concurrencyOf(key: string): number | undefined;
  onChange(task: SandboxTask<D>): void;
}

const holdsSlot = (phase: Phase) => phase === 'queued' || phase === 'running';
export const isTerminal = (phase: Phase) => phase === 'succeeded' || phase === 'failed' || phase === 'cancelled';

/** Per-key bookkeeping, so creating and finishing a task costs the same however many tasks the sandbox has seen. */
interface KeyState<D> {
  holdingSlots: number;
  /** Throttled tasks in creation order: the first gets the next free slot. */
  waiting: SandboxTask<D>[];
  peakInFlight: number;
}

/** Tasks of one API, driven through their phases by timers. */
export class TaskStore<D> {
  private readonly tasks = new Map<string, SandboxTask<D>>();
  private readonly byFile = new Map<string, SandboxTask<D>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly keys = new Map<string, KeyState<D>>();

  constructor(private readonly hooks: TaskStoreHooks<D>) {}

  create(spec: TaskSpec<D>): SandboxTask<D> {
    const task: SandboxTask<D> = {
      ...spec,
      id: randomUUID(),
      key: `${spec.api}:${spec.model}`,
      fileId: randomUUID(),
      phase: 'throttled',
      createdAt: now(),
      deleted: false,
    };
    this.tasks.set(task.id, task);
    this.byFile.set(task.fileId, task);
    const state = this.stateOf(task.key);
    if (this.hasFreeSlot(task.key, state)) this.enqueue(task);
    else state.waiting.push(task);
    state.peakInFlight = Math.max(state.peakInFlight, state.holdingSlots + state.waiting.length);
    return task;
  }

  get(id: string): SandboxTask<D> | undefined {
    return this.tasks.get(id);
  }

  byFileId(fileId: string): SandboxTask<D> | undefined {
    return this.byFile.get(fileId);
  }

  all(): SandboxTask<D>[] {
    return [...this.tasks.values()];
  }

  /** Peak number of unfinished tasks per key since the last reset. */
  peakInFlight(): Record<string, number> {
    return Object.fromEntries([...this.keys].map(([key, state]) => [key, state.peakInFlight]));
  }

  /** 0..1 while running; a hanging task creeps towards but never reaches 1. */
  progress(task: SandboxTask<D>): number {
    if (task.phase === 'succeeded') return 1;
    if (task.phase !== 'running' || !task.startedAt) return 0;
    if (task.renderMs <= 0) return 0.99;
    return Math.min(0.99, (Date.now() - task.startedAt.ms) / task.renderMs);
  }

  /** Cancels an unfinished task and marks the task deleted. */
  delete(task: SandboxTask<D>): void {
    task.deleted = true;
    if (!isTerminal(task.phase)) this.finish(task, 'cancelled');
  }

  /** Lets waiting tasks take slots a raised concurrency limit has freed. */
  rebalance(): void {
    for (const key of this.keys.keys()) this.admitWaiting(key);
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.tasks.clear();
    this.byFile.clear();
    this.keys.clear();
  }

  private stateOf(key: string): KeyState<D> {
    let state = this.keys.get(key);
    if (!state) {
      state = { holdingSlots: 0, waiting: [], peakInFlight: 0 };
      this.keys.set(key, state);
    }
    return state;
  }

  private enqueue(task: SandboxTask<D>): void {
    task.phase = 'queued';
    this.stateOf(task.key).holdingSlots++;
    this.after(task, task.queueMs, () => {
      const { outcome } = task;
      if (outcome.kind === 'fail' && outcome.moderation && outcome.stage !== 'output')
        return this.finish(task, 'failed');
      task.phase = 'running';
      task.startedAt = now();
      this.hooks.onChange(task);
      if (task.outcome.kind === 'hang') return;
      const end = task.outcome.kind === 'succeed' ? 'succeeded' : 'failed';
      this.after(task, task.renderMs, () => this.finish(task, end));
    });
  }

  private finish(task: SandboxTask<D>, phase: 'succeeded' | 'failed' | 'cancelled'): void {
    clearTimeout(this.timers.get(task.id));
    this.timers.delete(task.id);
    const state = this.stateOf(task.key);
    if (holdsSlot(task.phase)) state.holdingSlots--;
    else state.waiting.splice(state.waiting.indexOf(task), 1);
    task.phase = phase;
    task.endedAt = now();
    this.hooks.onChange(task);
    this.admitWaiting(task.key);
  }

  private admitWaiting(key: string): void {
    const state = this.stateOf(key);
    while (state.waiting.length > 0 && this.hasFreeSlot(key, state)) {
      const task = state.waiting.shift()!;
      this.enqueue(task);
      this.hooks.onChange(task);
    }
  }

  private after(task: SandboxTask<D>, ms: number, step: () => void): void {
    this.timers.set(
      task.id,
      setTimeout(() => {
        this.timers.delete(task.id);
        step();
      }, ms),
    );
  }

  private hasFreeSlot(key: string, state: KeyState<D>): boolean {
    const limit = this.hooks.concurrencyOf(key);
    return limit === undefined || state.holdingSlots < limit;
  }
}
