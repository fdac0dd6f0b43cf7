import type { ProviderTaskSnapshot, TaskState } from '../contract/provider-task';
import type { ProviderTaskEvent } from '../contract/provider-webhook';
import type { ProviderProgressUpdate } from '../contract/scene-workflow';

const terminalStates = new Set<TaskState>(['succeeded', 'failed', 'cancelled']);
/** A provider's run of one attempt makes one task; a few more ids are kept only to bound what a bad sender can add. */
const maxTasksHeard = 4;

/**
 * The scene's verified webhooks (`providerTaskEvent`), kept for the attempt under way: a notification of an earlier
 * attempt is stale, and only the first terminal state of each task counts, so a duplicate, a late `processing` after
 * `completed` or a redelivery changes nothing. Notifications may arrive before the create returns the task id (PiAPI
 * notifies on creation), so they are kept by task id until the attempt asks.
 */
export class TaskInbox {
  private current?: { attempt: number; provider: string };
  private readonly ended = new Map<string, ProviderTaskSnapshot>();

  constructor(private readonly onProgress: (update: ProviderProgressUpdate) => void) {}

  /** Notifications for an earlier attempt are stale from now on. */
  open(attempt: number, provider: string): void {
    this.current = { attempt, provider };
    this.ended.clear();
  }

  receive({ attempt, snapshot }: ProviderTaskEvent): void {
    const current = this.current;
    if (current === undefined || attempt !== current.attempt || this.ended.has(snapshot.taskId)) return;
    if (terminalStates.has(snapshot.state)) {
      if (this.ended.size < maxTasksHeard) this.ended.set(snapshot.taskId, snapshot);
      return;
    }
    const { taskId, state, progress } = snapshot;
    this.onProgress({ provider: current.provider, taskId, state, progress });
  }

  /** The task's terminal state, once a webhook told it. */
  endOf(taskId: string): ProviderTaskSnapshot | undefined {
    return this.ended.get(taskId);
  }
}
