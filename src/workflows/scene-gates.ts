import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ProviderSetup } from '../contract/activities';
import type { ProviderConfig } from '../contract/catalogue';
import type { AttemptReason } from '../contract/metrics';
import {
  gateAnswer,
  releaseLease,
  type BreakerSettings,
  type CircuitReading,
  type FailureReport,
  type GateAnswer,
  type GateInput,
  type GateSetup,
  type LeaseRequest,
} from '../contract/provider-gate';
import { providerGateWorkflowId } from '../contract/workflow-ids';
import { emptyGateState, leaseOutcome } from '../domain/provider-gate';
import type { SceneLedger } from '../domain/scene-ledger';
import { readProviderCircuit, reportProviderFailure, requestProviderLease } from './scene-activities';
import { describeFailure } from './scene-failures';

/** Marks runs whose attempts at a gated provider ask its gate first (asked once, at the scene's start). */
export const providerGatePatch = 'provider-gate';
/** Marks runs whose wait at a gate ends at `polling.queueDeadlineMs`, as a wait THROTTLED at the provider does. */
const gateWaitDeadlinePatch = 'gate-wait-queue-deadline';

/** How the generation of a leased attempt ended, for the breaker. */
export type LeaseEnd = { ok: true } | { ok: false; reason: AttemptReason; code?: string; error: string };

/** What the scene does with its provider: go ahead (and release when the task ends), skip it, or end cancelled. */
export type Lease =
  | { kind: 'go'; release(end: LeaseEnd): Promise<void> }
  | { kind: 'refused'; reason: string }
  | { kind: 'cancelled'; cancellation: unknown };

const noRelease = async () => {};

/**
 * A scene's side of the provider gates (src/workflows/provider-gate.ts): before an attempt at a provider with an
 * in-flight limit the scene asks the provider's gate and waits, holding no activity slot, for its answer, at most
 * `polling.queueDeadlineMs` (then it skips the provider, as a task THROTTLED that long at the provider would); once
 * the task has ended it releases the lease with what the attempt says about the provider. At a provider without a
 * limit while the breaker is on, it only reads the circuit (see `circuitRead`). A provider that is neither gets none
 * of this: the scene issues the commands it always did.
 */
export class SceneGates {
  private answers = new Map<string, GateAnswer>();
  private asked = 0;

  constructor(
    private readonly ledger: SceneLedger,
    private readonly gatesPatched: boolean,
  ) {
    setHandler(gateAnswer, (answer) => {
      const told = this.answers.get(answer.leaseId)?.kind;
      if (told === 'granted' || told === 'refused') return;
      this.answers.set(answer.leaseId, answer);
      if (answer.kind === 'queued') this.ledger.slotQueued(answer.ahead);
    });
  }

  /** `waitLimitMs`: the scene's `polling.queueDeadlineMs`; absent (inputs from before it), the wait is unbounded. */
  async lease(setup: ProviderSetup, provider: ProviderConfig, waitLimitMs?: number): Promise<Lease> {
    const gate = setup.gate;
    if (!gate || !this.gatesPatched) return { kind: 'go', release: noRelease };
    if (provider.maxInFlight !== undefined) return this.leased(gate, provider, waitLimitMs);
    if (!gate.breaker) return { kind: 'go', release: noRelease };
    return this.circuitRead(gate, gate.breaker, provider, waitLimitMs);
  }

  /**
   * A provider without a limit: the scene reads its circuit, which writes nothing at the gate. Closed: it goes ahead
   * with no lease and tells the gate only of a provider-side failure. Open: it skips the provider. Half-open: it asks
   * for a lease, which makes it the one probe (or is refused when another scene got there first).
   */
  private async circuitRead(
    gate: GateSetup,
    breaker: BreakerSettings,
    provider: ProviderConfig,
    waitLimitMs: number | undefined,
  ): Promise<Lease> {
    const gateId = providerGateWorkflowId(workflowInfo().taskQueue, provider.key);
    let reading: CircuitReading;
    try {
      reading = await readProviderCircuit({ gateId });
    } catch (err) {
      if (isCancellation(err)) return { kind: 'cancelled', cancellation: err };
      log.warn(`could not read the ${provider.key} circuit; going ahead as if closed`, { error: describeFailure(err) });
      reading = { kind: 'closed' };
    }
    if (reading.kind === 'open') return { kind: 'refused', reason: reading.reason };
    if (reading.kind === 'probe') return this.leased(gate, provider, waitLimitMs);
    const release = async (end: LeaseEnd) => {
      if (end.ok || leaseOutcome(end, this.ledger.lastAttemptThrottled) !== 'failure') return;
      const report: FailureReport = { reason: end.error, breaker, displayName: provider.displayName };
      await CancellationScope.nonCancellable(() =>
        reportProviderFailure({
          gateId,
          taskQueue: workflowInfo().taskQueue,
          start: gateStart(gate, provider),
          report,
        }),
      ).catch((err: unknown) =>
        log.warn(`could not report a ${provider.key} failure to its gate`, { error: describeFailure(err) }),
      );
    };
    return { kind: 'go', release };
  }

  /** Asks the gate for a lease and waits for its answer; the lease is released when the task ends. */
  private async leased(gate: GateSetup, provider: ProviderConfig, waitLimitMs: number | undefined): Promise<Lease> {
    const info = workflowInfo();
    const leaseId = `${info.runId}/${++this.asked}`;
    const gateId = providerGateWorkflowId(info.taskQueue, provider.key);
    const request: LeaseRequest = {
      leaseId,
      holder: { workflowId: info.workflowId, runId: info.runId },
      ...(provider.maxInFlight !== undefined && { limit: provider.maxInFlight }),
      ...(gate.breaker && { breaker: gate.breaker }),
      displayName: provider.displayName,
    };
    const release = (end: LeaseEnd | undefined) =>
      CancellationScope.nonCancellable(() =>
        getExternalWorkflowHandle(gateId)
          .signal(releaseLease, {
            leaseId,
            ...(end === undefined
              ? { outcome: 'neutral' }
              : {
                  outcome: leaseOutcome(end, this.ledger.lastAttemptThrottled),
                  ...(!end.ok && { reason: end.error }),
                }),
          })
          // The gate's holder check frees the lease of a run that has ended.
          .catch((err: unknown) => log.warn(`could not release the ${provider.key} lease`, { error: String(err) })),
      );
    this.ledger.slotRequested(provider.key, provider.displayName);
    try {
      await requestProviderLease({ gateId, taskQueue: info.taskQueue, start: gateStart(gate, provider), request });
      const answered = () => {
        const kind = this.answers.get(leaseId)?.kind;
        return kind === 'granted' || kind === 'refused';
      };
      if (waitLimitMs === undefined || !patched(gateWaitDeadlinePatch)) await condition(answered);
      else if (!(await condition(answered, Math.max(waitLimitMs, 1)))) {
        // Withdrawn, or given back if the grant crossed the timer.
        await release(undefined);
        const last = this.answers.get(leaseId);
        const ahead = last?.kind === 'queued' ? `, ${last.ahead} ahead` : '';
        return {
          kind: 'refused',
          reason: `no ${provider.displayName} slot at its gate within polling.queueDeadlineMs (${waitLimitMs} ms${ahead})`,
        };
      }
    } catch (err) {
      if (isCancellation(err)) {
        await release(undefined);
        return { kind: 'cancelled', cancellation: err };
      }
      return { kind: 'refused', reason: `its provider gate could not be asked: ${describeFailure(err)}` };
    } finally {
      this.ledger.slotSettled();
    }
    const answer = this.answers.get(leaseId)!;
    if (answer.kind === 'refused') return { kind: 'refused', reason: answer.reason };
    return { kind: 'go', release };
  }
}

/** The gate's start input, used when the scene's signal-with-start finds none running. */
function gateStart(gate: GateSetup, provider: ProviderConfig): GateInput {
  return { state: emptyGateState(provider.key, provider.displayName), holderCheckMs: gate.holderCheckMs };
}
