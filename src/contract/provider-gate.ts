import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** The provider gate's workflow type: one long-lived run per (task queue, catalogue entry). */
export const providerGateWorkflowType = 'providerGate';

/**
 * The circuit breaker's settings (PROVIDER_BREAKER_FAILURES, PROVIDER_BREAKER_WINDOW_SEC, PROVIDER_COOLDOWN_SEC):
 * `failures` provider-side failures within `windowMs` open the circuit for `cooldownMs`, then one probe decides.
 */
export interface BreakerSettings {
  failures: number;
  windowMs: number;
  cooldownMs: number;
}

/**
 * What the scene workflows need to use the gates, recorded in history with each run's setup (absent from runs
 * prepared before gates existed, which never ask one). A provider is gated when its entry has `maxInFlight` or the
 * breaker is on.
 */
export interface GateSetup {
  /** Absent: the breaker is off (PROVIDER_BREAKER_FAILURES=0). */
  breaker?: BreakerSettings;
  /** How often a gate with holders or waiters checks that their workflows still run (PROVIDER_GATE_HOLDER_CHECK_SEC). */
  holderCheckMs: number;
}

/** A workflow run holding or waiting for a lease: its release and the gate's answers name this run. */
export interface GateHolder {
  workflowId: string;
  runId: string;
}

/**
 * A scene asks for a lease. `leaseId` is unique per attempt (the holder's run id and attempt number), so a repeated
 * request is answered again rather than counted twice, and a release from an earlier run or attempt is ignored.
 */
export interface LeaseRequest {
  leaseId: string;
  holder: GateHolder;
  /** The catalogue entry's `maxInFlight` as the asking worker knows it; absent: no limit. The latest request's wins. */
  limit?: number;
  breaker?: BreakerSettings;
  /** The entry's display name, for the reasons the gate gives. */
  displayName: string;
}

/**
 * How the attempt that held a lease went, for the breaker: `failure` only when the provider is at fault (5xx or a
 * refused create, a task failed for internal reasons); `neutral` when it says nothing about the provider (content
 * policy, cancel, a throttled task's deadline).
 */
export type LeaseOutcome = 'success' | 'failure' | 'neutral';

export interface LeaseRelease {
  leaseId: string;
  outcome: LeaseOutcome;
  /** The failure, shown as the reason the circuit opened. */
  reason?: string;
}

/**
 * A provider-side failure of an attempt that held no lease (its provider has no in-flight limit, and the scene read
 * its circuit closed): sent by signal-with-start, since the gate may not run yet. Successes are not reported.
 */
export interface FailureReport {
  reason: string;
  breaker: BreakerSettings;
  displayName: string;
}

/**
 * What a scene about to try a provider without an in-flight limit read of its circuit (recorded in its history, so
 * replay reads the same): `closed` goes ahead with no lease, `open` skips the provider for `reason` (also while
 * another scene's probe decides), `probe` asks the gate for a lease, which makes it the one probe.
 */
export type CircuitReading = { kind: 'closed' } | { kind: 'open'; reason: string } | { kind: 'probe' };

/** The gate's answer to a request, signalled to the asking workflow; `queued` again when its place changes. */
export type GateAnswer =
  | { leaseId: string; kind: 'granted' }
  | { leaseId: string; kind: 'queued'; ahead: number }
  | { leaseId: string; kind: 'refused'; reason: string };

export type CircuitState =
  | { state: 'closed' }
  | { state: 'open'; reason: string; openedAt: number; until: number }
  /** Cooldown over: the next request is the probe; `probe` is its lease once one was granted or queued. */
  | { state: 'half-open'; reason: string; probe?: string };

/** A lease or a place in the queue, with when it was granted or asked (epoch ms). */
export interface GateEntry extends GateHolder {
  leaseId: string;
  since: number;
  /** This lease is the half-open circuit's probe. */
  probe?: true;
  /** A waiter's place as last signalled to it: answers are sent only when it changes enough. */
  toldAhead?: number;
}

/** All a gate knows, carried across continue-as-new and returned (with `limit`) by its query. */
export interface GateState {
  provider: string;
  displayName: string;
  catalogueLimit?: number;
  /** Set by an operator through `setGateLimit`; wins over the catalogue's until cleared. */
  operatorLimit?: number;
  breaker?: BreakerSettings;
  holders: GateEntry[];
  waiters: GateEntry[];
  /** Provider-side failures inside the breaker's window (epoch ms), the latest last. */
  failures: { at: number; reason: string }[];
  circuit: CircuitState;
  granted: number;
  refused: number;
}

/** The gate's start input: its state, fresh or carried over by continue-as-new. */
export interface GateInput {
  state: GateState;
  holderCheckMs: number;
}

/** The query's answer: the state with the limit in force (null: none). */
export type GateView = GateState & { limit: number | null; taskQueue: string };

export const requestLease = defineSignal<[LeaseRequest]>('requestLease');
export const releaseLease = defineSignal<[LeaseRelease]>('releaseLease');
export const reportFailure = defineSignal<[FailureReport]>('reportProviderFailure');
export const gateAnswer = defineSignal<[GateAnswer]>('gateAnswer');
export const gateState = defineQuery<GateView>('gateState');
/** An operator's limit for the gate (null: back to the catalogue's); answers the state after the change. */
export const setGateLimit = defineUpdate<GateView, [{ limit: number | null }]>('setGateLimit');
