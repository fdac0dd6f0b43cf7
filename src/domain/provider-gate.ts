import type { AttemptReason } from '../contract/metrics';
import type {
  BreakerSettings,
  CircuitReading,
  FailureReport,
  GateAnswer,
  GateEntry,
  GateHolder,
  GateState,
  LeaseOutcome,
  LeaseRelease,
  LeaseRequest,
} from '../contract/provider-gate';

/** An answer and the run it goes to. */
export interface GateMessage {
  to: GateHolder;
  answer: GateAnswer;
}

/** A waiter far back hears of its place again only once it halved, so a long queue costs few signals per release. */
const positionStep = 0.5;
/** From here to the front, every change of place is told. */
const exactPlaces = 5;

export function emptyGateState(provider: string, displayName: string): GateState {
  return {
    provider,
    displayName,
    holders: [],
    waiters: [],
    failures: [],
    circuit: { state: 'closed' },
    granted: 0,
    refused: 0,
  };
}

/**
 * One provider's leases and circuit breaker, fleet-wide: at most `limit` leases held, waiters served first come first
 * served; provider-side failures in a sliding window open the circuit for a cooldown, after which exactly one probe
 * decides whether it closes. Pure (time comes in as `now`, epoch ms): the gate workflow applies it and sends the
 * messages each step returns; its state is plain data, carried across continue-as-new as is.
 */
export class GateBook {
  constructor(readonly state: GateState) {}

  /** The limit in force: the operator's, else the catalogue's; undefined is none. */
  get limit(): number | undefined {
    return this.state.operatorLimit ?? this.state.catalogueLimit;
  }

  /** Holders or waiters whose workflows the gate must watch. */
  get watched(): GateEntry[] {
    return [...this.state.holders, ...this.state.waiters];
  }

  request(req: LeaseRequest, now: number): GateMessage[] {
    const s = this.state;
    const to = req.holder;
    s.catalogueLimit = req.limit;
    this.configure(req.displayName, req.breaker);
    // A retried request (its activity ran twice) is answered again, never counted twice.
    if (s.holders.some((h) => h.leaseId === req.leaseId))
      return [{ to, answer: { leaseId: req.leaseId, kind: 'granted' } }];
    const waiting = s.waiters.findIndex((w) => w.leaseId === req.leaseId);
    if (waiting >= 0) return [{ to, answer: { leaseId: req.leaseId, kind: 'queued', ahead: waiting } }];

    this.coolDown(now);
    const refusal = this.refusal(now);
    if (refusal !== undefined) {
      s.refused++;
      return [{ to, answer: { leaseId: req.leaseId, kind: 'refused', reason: refusal } }];
    }
    const entry: GateEntry = { ...req.holder, leaseId: req.leaseId, since: now };
    if (s.circuit.state === 'half-open') {
      s.circuit.probe = req.leaseId;
      entry.probe = true;
      // The probe goes first: the queue emptied when the circuit opened, and refuses newcomers until it has decided.
      s.waiters.unshift(entry);
    } else s.waiters.push(entry);
    return this.serve(now);
  }

  /**
   * A provider-side failure of an attempt without a lease. Counted only while the circuit is closed: once it opened,
   * what attempts started before say was said by the failures that opened it, and only the probe decides.
   */
  reportFailure(report: FailureReport, now: number): GateMessage[] {
    this.configure(report.displayName, report.breaker);
    if (this.state.circuit.state === 'closed') this.countFailure(report.reason, now);
    return this.serve(now);
  }

  /** What a scene about to try this provider without a lease does (see CircuitReading). */
  circuitReading(now: number): CircuitReading {
    this.coolDown(now);
    const c = this.state.circuit;
    if (c.state === 'closed') return { kind: 'closed' };
    if (c.state === 'half-open' && c.probe === undefined) return { kind: 'probe' };
    return { kind: 'open', reason: this.refusal(now)! };
  }

  /** A lease released (or a waiter giving up). A release of a lease the gate does not hold (stale) changes nothing. */
  release(rel: LeaseRelease, now: number): GateMessage[] {
    const s = this.state;
    const held = s.holders.findIndex((h) => h.leaseId === rel.leaseId);
    if (held >= 0) {
      const [holder] = s.holders.splice(held, 1);
      this.settle(holder!, rel.outcome, rel.reason ?? 'provider-side failure', now);
    } else {
      const waiting = s.waiters.findIndex((w) => w.leaseId === rel.leaseId);
      if (waiting < 0) return [];
      const [waiter] = s.waiters.splice(waiting, 1);
      if (waiter!.probe) this.probeUndecided();
    }
    return this.serve(now);
  }

  /** The runs that closed (found by the gate's holder check, or a signal that could not reach them) lose their place. */
  drop(closed: (entry: GateEntry) => boolean, now: number): GateMessage[] {
    const s = this.state;
    const gone = this.watched.filter(closed);
    if (gone.length === 0) return [];
    s.holders = s.holders.filter((h) => !closed(h));
    s.waiters = s.waiters.filter((w) => !closed(w));
    if (gone.some((e) => e.probe)) this.probeUndecided();
    return this.serve(now);
  }

  /** An operator's limit (undefined: back to the catalogue's). Lowering it takes no lease back: none is granted until below. */
  setOperatorLimit(limit: number | undefined, now: number): GateMessage[] {
    this.state.operatorLimit = limit;
    return this.serve(now);
  }

  /** Open past its cooldown: half-open, the next request is the probe. Also what a query shows. */
  coolDown(now: number): void {
    const c = this.state.circuit;
    if (c.state === 'open' && now >= c.until) this.state.circuit = { state: 'half-open', reason: c.reason };
  }

  /** The latest request's or report's settings win: every worker of a queue normally has the same. */
  private configure(displayName: string, breaker: BreakerSettings | undefined): void {
    const s = this.state;
    s.displayName = displayName;
    s.breaker = breaker && breaker.failures > 0 ? breaker : undefined;
    if (!s.breaker) s.circuit = { state: 'closed' };
  }

  private refusal(now: number): string | undefined {
    const c = this.state.circuit;
    const name = this.state.displayName;
    if (c.state === 'open') {
      const left = Math.ceil((c.until - now) / 1000);
      return `${name} circuit open for ${left} s more (until ${new Date(c.until).toISOString()}): ${c.reason}`;
    }
    if (c.state === 'half-open' && c.probe !== undefined)
      return `${name} circuit half-open: one probe is deciding whether it is back (${c.reason})`;
    return undefined;
  }

  private settle(holder: GateEntry, outcome: LeaseOutcome, reason: string, now: number): void {
    const s = this.state;
    const breaker = s.breaker;
    if (!breaker) return;
    if (holder.probe) {
      if (outcome === 'success') {
        s.circuit = { state: 'closed' };
        s.failures = [];
      } else if (outcome === 'failure') this.open(`the probe failed: ${reason}`, now);
      else this.probeUndecided();
      return;
    }
    // Leases granted before the circuit opened end afterwards: what they say was said by the failures that opened it.
    if (s.circuit.state === 'closed' && outcome === 'failure') this.countFailure(reason, now);
  }

  private countFailure(reason: string, now: number): void {
    const s = this.state;
    const breaker = s.breaker;
    if (!breaker) return;
    s.failures = s.failures.filter((f) => f.at > now - breaker.windowMs);
    s.failures.push({ at: now, reason });
    if (s.failures.length >= breaker.failures) {
      const windowSec = Math.round(breaker.windowMs / 1000);
      this.open(`${s.failures.length} provider-side failures within ${windowSec} s, the last: ${reason}`, now);
    }
  }

  private open(reason: string, now: number): void {
    const s = this.state;
    s.circuit = { state: 'open', reason, openedAt: now, until: now + s.breaker!.cooldownMs };
    s.failures = [];
  }

  /** The probe ended saying nothing about the provider, or its run is gone: the next request probes. */
  private probeUndecided(): void {
    const c = this.state.circuit;
    if (c.state === 'half-open') this.state.circuit = { state: 'half-open', reason: c.reason };
  }

  /** Refuses the waiters of an open circuit, grants free slots in order, then tells the rest where they stand. */
  private serve(now: number): GateMessage[] {
    const s = this.state;
    const messages: GateMessage[] = [];
    const refusal = this.refusal(now);
    if (s.circuit.state === 'open') {
      for (const w of s.waiters.splice(0)) {
        s.refused++;
        messages.push({ to: w, answer: { leaseId: w.leaseId, kind: 'refused', reason: refusal! } });
      }
      return messages;
    }
    const limit = this.limit ?? Infinity;
    while (s.waiters.length > 0 && s.holders.length < limit) {
      const next = s.waiters.shift()!;
      delete next.toldAhead;
      s.holders.push({ ...next, since: now });
      s.granted++;
      messages.push({ to: next, answer: { leaseId: next.leaseId, kind: 'granted' } });
    }
    s.waiters.forEach((w, ahead) => {
      const told = w.toldAhead;
      if (told === ahead || (told !== undefined && ahead >= exactPlaces && ahead > told * positionStep)) return;
      w.toldAhead = ahead;
      messages.push({ to: w, answer: { leaseId: w.leaseId, kind: 'queued', ahead } });
    });
    return messages;
  }
}

/**
 * What an attempt's end says about its provider, for the breaker. Provider-side: a create refused for the provider's
 * own reasons (5xx, network, rate or quota limits, an unreadable reply, an ambiguous create), a task failed for internal
 * reasons, polls that kept failing, and a deadline missed without throttling. Not: content policy (about the prompt), a
 * request the provider judged invalid, a cancel, or a deadline a throttled task missed (the account's limit, not an
 * outage).
 */
export function leaseOutcome(
  end: { ok: true } | { ok: false; reason: AttemptReason; code?: string },
  throttled: boolean,
): LeaseOutcome {
  if (end.ok) return 'success';
  switch (end.reason) {
    case 'create_refused':
      return end.code === 'validation' ? 'neutral' : 'failure';
    case 'quota_exhausted':
    case 'ambiguous_create':
    case 'task_failed':
    case 'poll_failed':
      return 'failure';
    case 'deadline':
      return throttled ? 'neutral' : 'failure';
    default:
      return 'neutral';
  }
}
