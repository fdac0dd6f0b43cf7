import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { optionalTsToMs } from '@temporalio/common/lib/time';

/**
 * Activities running right now on a worker that became ready at `since`, by type, read from the server (no worker
 * needed): what a SIGKILL at this instant interrupts. Earlier starts belong to workers already dead.
 */
export async function activitiesInFlight(client: Client, workflowIds: string[], since: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  await Promise.all(
    workflowIds.map(async (id) => {
      try {
        const { raw } = await client.workflow.getHandle(id).describe();
        for (const a of raw.pendingActivities ?? []) {
          const started = optionalTsToMs(a.lastStartedTime);
          if (a.state !== temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED) continue;
          if (started === undefined || started < since) continue;
          const type = a.activityType?.name ?? '?';
          counts.set(type, (counts.get(type) ?? 0) + 1);
        }
      } catch {
        // Not started yet, or already gone: nothing in flight for it.
      }
    }),
  );
  return counts;
}
