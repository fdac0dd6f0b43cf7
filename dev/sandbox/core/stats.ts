import { type ForgeryKind, forgeryKinds } from './scenario';
import { type Api, type Phase, type SandboxTask, isTerminal } from './task-store';

export interface SandboxTaskRecord {
  api: Api;
  model: string;
  taskId: string;
  /** As the API reports it: lower-case for PiAPI, upper-case for Runway. */
  status: string;
  createdAt: string;
  /** Runway: DELETEd; PiAPI: cancelled. */
  deleted: boolean;
  prompt: string;
}

export interface SandboxStats {
  /** Route pattern (e.g. `GET /v1/tasks/:id`) → HTTP status → count. `/__sandbox/*` is not counted. */
  requests: Record<string, Record<string, number>>;
  /** `api:model` → tasks created (paid). */
  tasksCreated: Record<string, number>;
  tasks: SandboxTaskRecord[];
  /** Task ids of every DELETE request, in order, whether or not it succeeded. */
  deletes: string[];
  /** Task id → GETs answered with (part of) its output file, and the body bytes actually sent. */
  downloads: Record<string, { count: number; bytes: number }>;
  /** Task id → the status GETs answered for it. */
  statusReads: Record<string, StatusReads>;
  /** `api:model` → peak number of tasks unfinished at once (pending/THROTTLED/processing). */
  maxConcurrentProcessing: Record<string, number>;
  webhooks: WebhookStats;
}

/** A notification is one status change of a task with a webhook endpoint; `scenario.webhook` says what befalls it. */
export interface WebhookStats {
  /** POSTs of genuine notifications: first deliveries, redeliveries and duplicate copies. */
  attempts: number;
  /** Deliveries (a duplicate copy is one) answered 200. */
  delivered: number;
  /** Deliveries given up after the last redelivery. */
  failed: number;
  /** Notifications sent (not lost), each counted once however many copies and redeliveries it took. */
  sent: number;
  lost: number;
  /** Extra copies sent (`duplicate.copies` per hit). */
  duplicated: number;
  /** Notifications sent after an extra `delayMs` above 0. */
  delayed: number;
  /** Notifications held back behind the task's next one. */
  reordered: number;
  /** Per forgery kind: forgeries sent, and the receiver's HTTP status for each (`0`: no answer). */
  forged: Record<ForgeryKind, { sent: number; answered: Record<string, number> }>;
}

/** What a task's status GETs found: enough to tell a second look at a task that ended from a look too soon. */
export interface StatusReads {
  count: number;
  /** Answered while the task was succeeded, failed or cancelled. */
  afterEnd: number;
  /** The shortest time between two of them (`null` after one), and the task's phase at each. */
  shortestGapMs: number | null;
  shortestGapPhases: [Phase, Phase] | null;
}

export type WebhookEvent = 'sent' | 'lost' | 'duplicated' | 'delayed' | 'reordered';

export function taskRecord(task: SandboxTask<unknown>, status: string): SandboxTaskRecord {
  const { api, model, id: taskId, deleted, prompt } = task;
  return { api, model, taskId, status, createdAt: new Date(task.createdAt.ms).toISOString(), deleted, prompt };
}

export type RecordedStats = Pick<SandboxStats, 'requests' | 'deletes' | 'downloads' | 'statusReads' | 'webhooks'>;

/** The counters that are not derived from the task stores. */
export class StatsRecorder {
  private data: RecordedStats = emptyStats();
  private lastStatusRead = new Map<string, { atMs: number; phase: Phase }>();

  request(route: string, status: number): void {
    const byStatus = (this.data.requests[route] ??= {});
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }

  deleteRequested(taskId: string): void {
    this.data.deletes.push(taskId);
  }

  download(taskId: string): { addBytes(n: number): void } {
    const entry = (this.data.downloads[taskId] ??= { count: 0, bytes: 0 });
    entry.count++;
    return { addBytes: (n) => void (entry.bytes += n) };
  }

  statusRead(task: Pick<SandboxTask<unknown>, 'id' | 'phase'>): void {
    const atMs = Date.now();
    const { phase } = task;
    const entry = (this.data.statusReads[task.id] ??= {
      count: 0,
      afterEnd: 0,
      shortestGapMs: null,
      shortestGapPhases: null,
    });
    entry.count++;
    if (isTerminal(phase)) entry.afterEnd++;
    const last = this.lastStatusRead.get(task.id);
    if (last !== undefined && atMs - last.atMs < (entry.shortestGapMs ?? Infinity)) {
      entry.shortestGapMs = atMs - last.atMs;
      entry.shortestGapPhases = [last.phase, phase];
    }
    this.lastStatusRead.set(task.id, { atMs, phase });
  }

  webhook(outcome: 'delivered' | 'failed' | 'retried'): void {
    this.data.webhooks.attempts++;
    if (outcome !== 'retried') this.data.webhooks[outcome]++;
  }

  webhookEvent(event: WebhookEvent, count = 1): void {
    this.data.webhooks[event] += count;
  }

  forgerySent(kind: ForgeryKind): { answered(status: number): void } {
    const entry = this.data.webhooks.forged[kind];
    entry.sent++;
    return { answered: (status) => void (entry.answered[status] = (entry.answered[status] ?? 0) + 1) };
  }

  snapshot(): RecordedStats {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = emptyStats();
    this.lastStatusRead.clear();
  }
}

function emptyStats(): RecordedStats {
  const forged = Object.fromEntries(forgeryKinds.map((kind) => [kind, { sent: 0, answered: {} }]));
  return {
    requests: {},
    deletes: [],
    downloads: {},
    statusReads: {},
    webhooks: {
      attempts: 0,
      delivered: 0,
      failed: 0,
      sent: 0,
      lost: 0,
      duplicated: 0,
      delayed: 0,
      reordered: 0,
      forged: forged as WebhookStats['forged'],
    },
  };
}
