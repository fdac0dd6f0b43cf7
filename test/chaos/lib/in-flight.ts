import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { optionalTsToMs } from '@temporalio/common/lib/time';

/** One activity execution the server holds as started and not yet ended. */
export interface InFlightActivity {
  workflowId: string;
  activityId: string;
  type: string;
  attempt: number;
  /** Server time of this attempt's start. */
  startedMs: number;
}

export interface InFlightWindow {
  /** Only attempts started at or after this instant (e.g. the current worker's spawn; earlier ones ran on the dead). */
  since: number;
  /** Only attempts started at or before this instant. */
  until?: number;
  /** Only attempts on the worker with this identity (the SDK's `pid@host`): with several workers, time says nothing. */
  worker?: string;
}

/** Activities started within the window and still running, read from the server (no worker needed). */
export async function pendingStarted(
  client: Client,
  workflowIds: string[],
  window: InFlightWindow,
): Promise<InFlightActivity[]> {
  const found: InFlightActivity[][] = await Promise.all(workflowIds.map((id) => pendingOf(client, id, window)));
  return found.flat();
}

async function pendingOf(
  client: Client,
  workflowId: string,
  { since, until, worker }: InFlightWindow,
): Promise<InFlightActivity[]> {
  try {
    const { raw } = await client.workflow.getHandle(workflowId).describe();
    const found: InFlightActivity[] = [];
    for (const a of raw.pendingActivities ?? []) {
      const startedMs = optionalTsToMs(a.lastStartedTime);
      if (a.state !== temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED) continue;
      if (startedMs === undefined || startedMs < since || (until !== undefined && startedMs > until)) continue;
      if (worker !== undefined && a.lastWorkerIdentity !== worker) continue;
      found.push({
        workflowId,
        activityId: a.activityId ?? '',
        type: a.activityType?.name ?? '?',
        attempt: a.attempt ?? 0,
        startedMs,
      });
    }
    return found;
  } catch {
    // Not started yet, or already gone: nothing in flight for it.
    return [];
  }
}

export function countByType(activities: InFlightActivity[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of activities) counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
  return counts;
}

/** `createTask ×2, checkTask ×5`, or `nothing`. */
export function describeCounts(counts: Map<string, number>): string {
  return [...counts].map(([type, n]) => `${type} ×${n}`).join(', ') || 'nothing';
}

/**
 * Activities running right now on a worker that became ready at `since`, by type, read from the server (no worker
 * needed): what a SIGKILL at this instant interrupts. Earlier starts belong to workers already dead.
 */
export async function activitiesInFlight(
  client: Client,
  workflowIds: string[],
  since: number,
): Promise<Map<string, number>> {
  return countByType(await pendingStarted(client, workflowIds, { since }));
}

/** The same attempt of the same activity, still running. */
export function sameAttempt(a: InFlightActivity, b: InFlightActivity): boolean {
  return (
    a.workflowId === b.workflowId &&
    a.activityId === b.activityId &&
    a.attempt === b.attempt &&
    a.startedMs === b.startedMs
  );
}

/**
 * Polls the workflows until an activity of one of `types` is in flight in the window, and returns it as soon as one
 * describe shows it (the others are not awaited); undefined at the deadline. `ready` gates each round, e.g. on the
 * provider's state.
 */
export async function waitForInFlight(
  client: Client,
  workflowIds: () => string[],
  types: readonly string[],
  window: () => InFlightWindow,
  opts: { timeoutMs: number; intervalMs?: number; ready?: () => boolean | Promise<boolean> },
): Promise<InFlightActivity | undefined> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (!opts.ready || (await Promise.resolve(opts.ready()).catch(() => false))) {
      const w = window();
      const hit = await new Promise<InFlightActivity | undefined>((resolve) => {
        const all = workflowIds().map(async (id) => {
          const match = (await pendingOf(client, id, w)).find((a) => types.includes(a.type));
          if (match) resolve(match);
        });
        void Promise.all(all).then(() => resolve(undefined));
      });
      if (hit) return hit;
    }
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}
