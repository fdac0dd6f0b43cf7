import type { Api, SandboxTask } from './task-store';

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
  /** `api:model` → peak number of tasks unfinished at once (pending/THROTTLED/processing). */
  maxConcurrentProcessing: Record<string, number>;
  webhooks: { attempts: number; delivered: number; failed: number };
}

export function taskRecord(task: SandboxTask<unknown>, status: string): SandboxTaskRecord {
  const { api, model, id: taskId, deleted, prompt } = task;
  return { api, model, taskId, status, createdAt: new Date(task.createdAt.ms).toISOString(), deleted, prompt };
}

export type RecordedStats = Pick<SandboxStats, 'requests' | 'deletes' | 'downloads' | 'webhooks'>;

/** The counters that are not derived from the task stores. */
export class StatsRecorder {
  private data: RecordedStats = emptyStats();

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

  webhook(outcome: 'delivered' | 'failed' | 'retried'): void {
    this.data.webhooks.attempts++;
    if (outcome !== 'retried') this.data.webhooks[outcome]++;
  }

  snapshot(): RecordedStats {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = emptyStats();
  }
}

function emptyStats(): RecordedStats {
  return { requests: {}, deletes: [], downloads: {}, webhooks: { attempts: 0, delivered: 0, failed: 0 } };
}
