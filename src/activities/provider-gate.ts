import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  providerGateWorkflowType,
  requestLease,
  type GateHolder,
  type GateInput,
  type LeaseRequest,
} from '../contract/provider-gate';

export interface RequestLeaseInput {
  gateId: string;
  /** The scene's own queue: the gate runs beside the scenes it serves. */
  taskQueue: string;
  /** The gate's start input, used only when no gate runs under `gateId`. */
  start: GateInput;
  request: LeaseRequest;
}

/**
 * A workflow cannot start another it does not own, nor send it an Update: the scene asks its gate through this
 * signal-with-start, and waits in its workflow for the answer the gate signals back (holding no activity slot).
 */
export async function requestProviderLease(input: RequestLeaseInput): Promise<void> {
  await Context.current().client.workflow.signalWithStart(providerGateWorkflowType, {
    workflowId: input.gateId,
    taskQueue: input.taskQueue,
    args: [input.start],
    signal: requestLease,
    signalArgs: [input.request],
  });
}

/** How many runs the holder check describes at once. */
const parallel = 8;

/** The gate's holders and waiters whose runs are no longer running (closed, or gone from the server). */
export async function closedGateHolders(holders: GateHolder[]): Promise<GateHolder[]> {
  const ctx = Context.current();
  const closed: GateHolder[] = [];
  let next = 0;
  const worker = async () => {
    while (next < holders.length) {
      const holder = holders[next++]!;
      try {
        const run = await ctx.client.workflow.getHandle(holder.workflowId, holder.runId).describe();
        if (run.status.name !== 'RUNNING') closed.push(holder);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        closed.push(holder);
      }
      ctx.heartbeat(next);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, holders.length) }, worker));
  return closed;
}
