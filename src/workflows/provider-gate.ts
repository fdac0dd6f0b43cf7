import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  setWorkflowOptions,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { SceneActivities } from '../activities';
import {
  gateAnswer,
  gateState,
  releaseLease,
  reportFailure,
  requestLease,
  setGateLimit,
  type GateInput,
  type GateView,
} from '../contract/provider-gate';
import { GateBook, type GateMessage } from '../domain/provider-gate';
import { versionedBehavior } from './versioning-behavior';

const { closedGateHolders } = proxyActivities<SceneActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});

/**
 * Well under the server's 50,000-event limit, and small enough that a worker replays a gate it evicted in well under a
 * second: each lease costs about six events (request, grant sent and delivered, release, and their workflow tasks).
 */
const maxHistoryEvents = 10_000;

/**
 * A gate never ends: on a versioned worker it moves to each new build (its continue-as-new starts there anyway), so a
 * change to its code needs `patched()` like on unversioned workers.
 */
setWorkflowOptions(versionedBehavior('AUTO_UPGRADE'), providerGate);

/**
 * One provider's fleet-wide gate (src/domain/provider-gate.ts): leases within its in-flight limit and its circuit
 * breaker. Scenes ask with `requestLease` (signal-with-start) and release with `releaseLease`; the gate answers each
 * with `gateAnswer`. At a provider without a limit, scenes only read the circuit (`gateState`, a query) and report their
 * provider-side failures (`reportFailure`); only the probe takes a lease. Leases of runs that closed without releasing are reclaimed by a periodic check. Its history stays
 * bounded by continue-as-new, which carries the whole state.
 */
export async function providerGate(input: GateInput): Promise<never> {
  const book = new GateBook(input.state);
  const outbox: GateMessage[] = [];
  let checkDue = false;
  const apply = (step: (now: number) => GateMessage[]) => {
    const before = book.state.circuit.state;
    outbox.push(...step(Date.now()));
    const c = book.state.circuit;
    if (c.state !== before && c.state === 'open')
      log.warn(`${book.state.provider} circuit opened until ${new Date(c.until).toISOString()}: ${c.reason}`);
    if (c.state !== before && c.state === 'closed')
      log.info(`${book.state.provider} circuit closed: the probe succeeded`);
  };
  const view = (): GateView => {
    const copy = new GateBook(JSON.parse(JSON.stringify(book.state)) as GateInput['state']);
    copy.coolDown(Date.now());
    return { ...copy.state, limit: copy.limit ?? null, taskQueue: workflowInfo().taskQueue };
  };
  setHandler(requestLease, (req) => apply((now) => book.request(req, now)));
  setHandler(releaseLease, (rel) => apply((now) => book.release(rel, now)));
  setHandler(reportFailure, (report) => apply((now) => book.reportFailure(report, now)));
  setHandler(gateState, view, { description: 'Limit, holders, waiters and the circuit breaker' });
  setHandler(
    setGateLimit,
    ({ limit }) => {
      apply((now) => book.setOperatorLimit(limit ?? undefined, now));
      return view();
    },
    {
      validator: ({ limit }) => {
        if (limit !== null && !(Number.isInteger(limit) && limit >= 1))
          throw new Error(`the limit must be a whole number ≥ 1, or null to go back to the catalogue's (got ${limit})`);
      },
      description: "Sets an operator's in-flight limit (null: the catalogue's); answers the state after the change",
    },
  );

  const continueAsNewDue = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > maxHistoryEvents;
  // Timers only while someone holds or waits: an idle gate's history does not grow.
  void (async () => {
    for (;;) {
      await condition(() => book.watched.length > 0 && !checkDue);
      await sleep(input.holderCheckMs);
      checkDue = true;
    }
  })();

  for (;;) {
    await condition(() => outbox.length > 0 || checkDue || continueAsNewDue());
    if (outbox.length > 0) await deliver(outbox.splice(0));
    else if (checkDue) {
      await reclaim();
      checkDue = false;
    } else break;
  }
  // Answers decided by the last signals go out before the state moves on: a waiter must not miss its grant.
  await condition(allHandlersFinished);
  while (outbox.length > 0) await deliver(outbox.splice(0));
  return continueAsNew<typeof providerGate>({ ...input, state: book.state });

  async function deliver(messages: GateMessage[]): Promise<void> {
    const sent = await Promise.allSettled(
      messages.map((m) => getExternalWorkflowHandle(m.to.workflowId, m.to.runId).signal(gateAnswer, m.answer)),
    );
    // A run that cannot be signalled has closed: whatever it held or waited for is free.
    const gone = messages.filter((_, i) => sent[i]!.status === 'rejected').map((m) => m.to);
    if (gone.length > 0) apply((now) => book.drop((e) => gone.some((g) => g.runId === e.runId), now));
  }

  async function reclaim(): Promise<void> {
    const watched = book.watched.map(({ workflowId, runId }) => ({ workflowId, runId }));
    const closed = await closedGateHolders(watched);
    if (closed.length === 0) return;
    log.warn(`${book.state.provider}: reclaimed the places of ${closed.length} closed runs`, {
      runs: closed.map((c) => c.workflowId),
    });
    apply((now) => book.drop((e) => closed.some((c) => c.runId === e.runId), now));
  }
}
