import type { Client } from '@temporalio/client';
import { pendingStarted, sameAttempt, waitForInFlight, type InFlightActivity, type InFlightWindow } from './in-flight';
import type { WorkerSupervisor } from './worker-process';

/** After SIGSTOP: time for a completion the worker sent just before to reach the server. */
const freezeSettleMs = 200;
/** After SIGKILL: the same for anything still on the wire, so the server's view is final when it is read. */
const killSettleMs = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface KillReport {
  /** The attempt an aimed kill waited for (it is in `interrupted`). */
  target?: InFlightActivity;
  /**
   * Every activity attempt the kill interrupted: started on the killed worker before it was frozen and, once the kill
   * has settled, still held as running by the server, so it cannot have ended on that worker.
   */
  interrupted: InFlightActivity[];
  /** Aimed tries that ended without a kill (the worker thawed) because the target finished just before the freeze. */
  misses: number;
}

/**
 * SIGKILLs the worker while an activity of one of `types` runs on it, established, not hoped: wait until the server
 * shows one started on this worker, SIGSTOP the worker so nothing more can end, read the server again, and kill only
 * if that same attempt is still running; otherwise (it ended in between) SIGCONT and wait for the next one. Undefined,
 * with the worker alive and thawed, if none was seen before the deadline.
 */
export async function killDuring(
  client: Client,
  worker: WorkerSupervisor,
  workflowIds: () => string[],
  types: readonly string[],
  opts: { timeoutMs: number; ready?: () => boolean | Promise<boolean> },
): Promise<KillReport | undefined> {
  const deadline = Date.now() + opts.timeoutMs;
  let misses = 0;
  for (;;) {
    const seen = await waitForInFlight(client, workflowIds, types, () => onWorker(worker), {
      timeoutMs: Math.max(0, deadline - Date.now()),
      ready: opts.ready,
    });
    if (!seen) return undefined;
    const frozenAt = Date.now();
    worker.freeze();
    await sleep(freezeSettleMs);
    const still = await pendingStarted(client, [seen.workflowId], onWorker(worker));
    if (still.some((a) => sameAttempt(a, seen))) {
      const report = await killFrozen(client, worker, workflowIds(), frozenAt);
      if (report.interrupted.some((a) => sameAttempt(a, seen))) return { ...report, target: seen, misses };
      // Its completion was still on the wire: a kill all the same, just not the one aimed for. Aim again.
      return { ...report, misses: misses + 1 };
    }
    worker.thaw();
    misses++;
  }
}

/** SIGKILLs the worker at this instant, reporting what the kill interrupted. */
export async function killNow(client: Client, worker: WorkerSupervisor, workflowIds: string[]): Promise<KillReport> {
  const frozenAt = Date.now();
  worker.freeze();
  return killFrozen(client, worker, workflowIds, frozenAt);
}

async function killFrozen(
  client: Client,
  worker: WorkerSupervisor,
  workflowIds: string[],
  frozenAt: number,
): Promise<KillReport> {
  const window = onWorker(worker);
  await worker.kill();
  await sleep(killSettleMs);
  // Started after the freeze: handed to a worker that never ran it, not interrupted mid-way. The dead worker's
  // attempts stay "started" on the server until their heartbeat timeout (30 s), far longer than this read takes.
  return { interrupted: await pendingStarted(client, workflowIds, { ...window, until: frozenAt }), misses: 0 };
}

/** Attempts the supervisor's current worker runs: started since its spawn, and by it when other workers poll too. */
function onWorker(worker: WorkerSupervisor): InFlightWindow {
  return { since: worker.spawnedAt, worker: worker.identity };
}
