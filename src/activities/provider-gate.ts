import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import {
  gateState,
  providerGateWorkflowType,
  reportFailure,
  requestLease,
  type CircuitReading,
  type FailureReport,
  type GateHolder,
  type GateInput,
  type GateView,
  type LeaseRequest,
} from '../contract/provider-gate';
import { GateBook } from '../domain/provider-gate';

export interface RequestLeaseInput {
  gateId: string;
  /** The scene's own queue: the gate runs beside the scenes it serves. */
  taskQueue: string;
  /** The gate's start input, used only when no gate runs under `gateId`. */
  start: GateInput;
  request: LeaseRequest;
}

/** Signals the gate, starting it with `input.start` when none runs under `input.gateId` yet. */
async function signalGate<T>(input: Omit<RequestLeaseInput, 'request'>, signal: SignalDefinition<[T]>, arg: T) {
  const { client } = Context.current();
  await client.workflow.signalWithStart(providerGateWorkflowType, {
    workflowId: input.gateId,
    taskQueue: input.taskQueue,
    args: [input.start],
    signal,
    signalArgs: [arg],
  });
  // What this worker just told the gate may change its circuit: the next read here asks again.
  circuitReads.get(client)?.delete(input.gateId);
}

/**
 * A workflow cannot start another it does not own, nor send it an Update: the scene asks its gate through this
 * signal-with-start, and waits in its workflow for the answer the gate signals back (holding no activity slot).
 */
export async function requestProviderLease(input: RequestLeaseInput): Promise<void> {
  await signalGate(input, requestLease, input.request);
}

export interface ReportFailureInput extends Omit<RequestLeaseInput, 'request'> {
  report: FailureReport;
}

/** A failure of an attempt that held no lease, told to its gate (started by the report if none runs yet). */
export async function reportProviderFailure(input: ReportFailureInput): Promise<void> {
  await signalGate(input, reportFailure, input.report);
}

/** A query that takes longer than this reads the circuit as closed: a gate in trouble must not hold scenes up. */
const circuitQueryTimeoutMs = 5_000;

/**
 * How long one query's answer serves every scene of this worker. Scenes start in thousands at once, and a gate's own
 * workflow tasks queue behind theirs (in B6, 10,000 scenes on one worker, the hailuo gate's first task waited 22 min):
 * without reuse each scene's read could wait out the 5 s timeout inside its first workflow task. A gate that did not
 * answer is read as closed for longer; one that answered is asked again soon, well within the breaker's window.
 */
const circuitReuseMs = { answered: 2_000, unanswered: 30_000 } as const;

/** No gate (`undefined`), its state, or no answer in time. */
type GateAnswer = GateView | undefined | 'unanswered';

/** Per client, so each worker (and each test's client) keeps its own: one query in flight per gate, reused a while. */
const circuitReads = new WeakMap<Client, Map<string, { view: Promise<GateAnswer>; until: number }>>();

async function askGate(client: Client, gateId: string, log: Context['log']): Promise<GateAnswer> {
  try {
    return await client.connection.withDeadline(Date.now() + circuitQueryTimeoutMs, () =>
      client.workflow.getHandle(gateId).query(gateState),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    log.warn(`could not read the circuit of ${gateId}; reading it as closed`, { error: String(err) });
    return 'unanswered';
  }
}

/**
 * Reads a provider's circuit with a query, which adds nothing to the gate's history. No gate yet: closed. A gate that
 * cannot be queried reads as closed too (logged): the breaker only saves attempts, and scenes must not wait on it.
 */
export async function readProviderCircuit(input: { gateId: string }): Promise<CircuitReading> {
  const { client, log } = Context.current();
  let reads = circuitReads.get(client);
  if (!reads) circuitReads.set(client, (reads = new Map()));
  let read = reads.get(input.gateId);
  if (!read || read.until <= Date.now()) {
    const entry = { view: askGate(client, input.gateId, log), until: Number.POSITIVE_INFINITY };
    void entry.view.then((answer) => {
      entry.until = Date.now() + circuitReuseMs[answer === 'unanswered' ? 'unanswered' : 'answered'];
    });
    reads.set(input.gateId, (read = entry));
  }
  const answer = await read.view;
  return answer === undefined || answer === 'unanswered'
    ? { kind: 'closed' }
    : new GateBook(structuredClone(answer)).circuitReading(Date.now()); // reading may move the shared view's cooldown on
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
