import { describe, expect, it } from 'vitest';
import type { AttemptReason } from '../../src/contract/metrics';
import type { BreakerSettings, GateAnswer, LeaseRequest } from '../../src/contract/provider-gate';
import { emptyGateState, GateBook, leaseOutcome, type GateMessage } from '../../src/domain/provider-gate';

const breaker: BreakerSettings = { failures: 3, windowMs: 60_000, cooldownMs: 120_000 };

function req(n: number, extra: Partial<LeaseRequest> = {}): LeaseRequest {
  return {
    leaseId: `run-${n}/1`,
    holder: { workflowId: `scene-${n}`, runId: `run-${n}` },
    displayName: 'Runway',
    ...extra,
  };
}

const answers = (messages: GateMessage[]): GateAnswer[] => messages.map((m) => m.answer);
const kinds = (messages: GateMessage[]) => messages.map((m) => `${m.to.workflowId}:${m.answer.kind}`);

describe('the lease book', () => {
  it('grants up to the limit, queues the rest first come first served with their places, and never exceeds it', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    const granted: string[] = [];
    const held = new Set<string>();
    let most = 0;
    const apply = (messages: GateMessage[]) => {
      for (const m of messages)
        if (m.answer.kind === 'granted') {
          granted.push(m.to.workflowId);
          held.add(m.answer.leaseId);
        }
      most = Math.max(most, book.state.holders.length);
    };
    for (let n = 0; n < 5; n++) apply(book.request(req(n, { limit: 2 }), n));
    expect(granted).toEqual(['scene-0', 'scene-1']);
    expect(answers(book.request(req(5, { limit: 2 }), 5))).toEqual([{ leaseId: 'run-5/1', kind: 'queued', ahead: 3 }]);
    // Released in any order, the waiters are served in the order they asked.
    let t = 10;
    while (held.size > 0) {
      const lease = [...held].pop()!;
      held.delete(lease);
      apply(book.release({ leaseId: lease, outcome: 'success' }, t++));
    }
    expect(granted).toEqual(['scene-0', 'scene-1', 'scene-2', 'scene-3', 'scene-4', 'scene-5']);
    expect(most).toBe(2);
    expect(book.state.granted).toBe(6);
  });

  it('tells each waiter its place when it changes: every change near the front, a long queue only in steps', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    book.request(req(0, { limit: 1 }), 0);
    for (let n = 1; n <= 40; n++) book.request(req(n, { limit: 1 }), n);
    const toLast: number[] = [];
    for (let n = 0; n < 40; n++) {
      const messages = book.release({ leaseId: `run-${n}/1`, outcome: 'success' }, 100 + n);
      for (const m of messages)
        if (m.to.workflowId === 'scene-40' && m.answer.kind === 'queued') toLast.push(m.answer.ahead);
    }
    // 39 ahead at first: told again at 19 and 9 (each at most half the last), then every place from 4 down.
    expect(toLast).toEqual([19, 9, 4, 3, 2, 1, 0]);
  });

  it('answers a repeated request again without counting it twice, and ignores a stale release', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    book.request(req(0, { limit: 1 }), 0);
    book.request(req(1, { limit: 1 }), 1);
    expect(answers(book.request(req(0, { limit: 1 }), 2))).toEqual([{ leaseId: 'run-0/1', kind: 'granted' }]);
    expect(answers(book.request(req(1, { limit: 1 }), 3))).toEqual([{ leaseId: 'run-1/1', kind: 'queued', ahead: 0 }]);
    expect(book.state.holders).toHaveLength(1);
    // The same workflow's earlier run, or its earlier attempt: not the lease it holds.
    expect(book.release({ leaseId: 'run-0-old/1', outcome: 'success' }, 4)).toEqual([]);
    expect(book.release({ leaseId: 'run-0/0', outcome: 'failure' }, 4)).toEqual([]);
    expect(book.state.holders.map((h) => h.leaseId)).toEqual(['run-0/1']);
  });

  it('reclaims the lease of a run that closed and gives it to the next waiter; a waiter that gave up leaves the queue', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    book.request(req(0, { limit: 1 }), 0);
    book.request(req(1, { limit: 1 }), 1);
    book.request(req(2, { limit: 1 }), 2);
    book.request(req(3, { limit: 1 }), 3);
    expect(kinds(book.release({ leaseId: 'run-1/1', outcome: 'neutral' }, 4))).toEqual([
      'scene-2:queued',
      'scene-3:queued',
    ]);
    expect(kinds(book.drop((e) => e.workflowId === 'scene-0', 5))).toEqual(['scene-2:granted', 'scene-3:queued']);
    expect(book.state.holders.map((h) => h.workflowId)).toEqual(['scene-2']);
  });

  it('lowering the limit takes no lease back and grants none until below it; raising it serves the queue', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    for (let n = 0; n < 4; n++) book.request(req(n, { limit: 3 }), n);
    expect(book.setOperatorLimit(1, 10)).toEqual([]);
    expect(book.release({ leaseId: 'run-0/1', outcome: 'success' }, 11)).toEqual([]);
    expect(book.state.holders).toHaveLength(2);
    expect(kinds(book.setOperatorLimit(undefined, 12))).toEqual(['scene-3:granted']);
    expect(book.limit).toBe(3);
  });

  it('continues from its state as plain data, as continue-as-new carries it', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    for (let n = 0; n < 4; n++) book.request(req(n, { limit: 2, breaker }), n);
    book.release({ leaseId: 'run-0/1', outcome: 'failure', reason: 'HTTP 502' }, 5);
    const carried = new GateBook(JSON.parse(JSON.stringify(book.state)));
    expect(carried.state).toEqual(book.state);
    expect(kinds(carried.release({ leaseId: 'run-1/1', outcome: 'success' }, 6))).toEqual(['scene-3:granted']);
    expect(carried.state.failures).toEqual([{ at: 5, reason: 'HTTP 502' }]);
  });
});

describe('the circuit breaker', () => {
  function failing(book: GateBook, from: number, count: number, at: number) {
    const messages: GateMessage[] = [];
    for (let n = from; n < from + count; n++) {
      book.request(req(n, { breaker }), at);
      messages.push(...book.release({ leaseId: `run-${n}/1`, outcome: 'failure', reason: `HTTP 503 #${n}` }, at));
    }
    return messages;
  }

  it('opens after the threshold of provider-side failures within the window, refusing waiters and newcomers', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    // Neutral outcomes and failures that slid out of the window do not count.
    failing(book, 0, 2, 1_000);
    book.request(req(50, { breaker }), 70_000);
    book.release({ leaseId: 'run-50/1', outcome: 'neutral' }, 70_000);
    expect(book.state.circuit.state).toBe('closed');
    const ask = (n: number) => book.request(req(n, { breaker, limit: 2 }), 70_000);
    const fail = (n: number) =>
      book.release({ leaseId: `run-${n}/1`, outcome: 'failure', reason: `HTTP 503 #${n}` }, 70_000);
    [100, 101, 102, 103].forEach(ask);
    expect(kinds(fail(100))).toEqual(['scene-102:granted', 'scene-103:queued']);
    expect(kinds(fail(101))).toEqual(['scene-103:granted']);
    [104, 105].forEach(ask);
    expect(kinds(fail(102))).toEqual(['scene-104:refused', 'scene-105:refused']);
    expect(book.state.circuit).toMatchObject({ state: 'open', until: 190_000 });
    const [refused] = answers(book.request(req(9, { breaker }), 100_000));
    expect(refused).toMatchObject({ kind: 'refused' });
    expect((refused as { reason: string }).reason).toBe(
      'Runway circuit open for 90 s more (until 1970-01-01T00:03:10.000Z): 3 provider-side failures within 60 s, the last: HTTP 503 #102',
    );
    // A lease granted before it opened ends as a failure: already said.
    fail(103);
    expect(book.state.circuit).toMatchObject({ state: 'open', until: 190_000 });
  });

  it('after the cooldown grants exactly one probe; its success closes the circuit', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    failing(book, 0, 3, 0);
    expect(kinds(book.request(req(10, { breaker }), 120_000))).toEqual(['scene-10:granted']);
    expect(book.state.holders[0]!.probe).toBe(true);
    expect(answers(book.request(req(11, { breaker }), 120_001))[0]).toMatchObject({ kind: 'refused' });
    book.release({ leaseId: 'run-10/1', outcome: 'success' }, 130_000);
    expect(book.state.circuit).toEqual({ state: 'closed' });
    expect(kinds(book.request(req(12, { breaker }), 130_001))).toEqual(['scene-12:granted']);
  });

  it('a failed probe opens it for another cooldown; a probe that decided nothing hands probing to the next request', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    failing(book, 0, 3, 0);
    book.request(req(10, { breaker }), 120_000);
    book.release({ leaseId: 'run-10/1', outcome: 'neutral' }, 121_000);
    expect(book.state.circuit).toMatchObject({ state: 'half-open' });
    book.request(req(11, { breaker }), 122_000);
    book.drop((e) => e.workflowId === 'scene-11', 123_000);
    book.request(req(12, { breaker }), 124_000);
    book.release({ leaseId: 'run-12/1', outcome: 'failure', reason: 'HTTP 500' }, 125_000);
    expect(book.state.circuit).toMatchObject({ state: 'open', until: 245_000, reason: 'the probe failed: HTTP 500' });
  });

  it('the probe waits for a free slot ahead of everyone, and holds the only place in the queue', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    book.request(req(100, { breaker, limit: 1 }), 0);
    failing(book, 0, 3, 0);
    expect(answers(book.request(req(10, { breaker, limit: 1 }), 120_000))).toEqual([
      { leaseId: 'run-10/1', kind: 'queued', ahead: 0 },
    ]);
    expect(kinds(book.release({ leaseId: 'run-100/1', outcome: 'success' }, 130_000))).toEqual(['scene-10:granted']);
  });

  it('is off with 0 failures: failures never refuse anything', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    for (let n = 0; n < 10; n++) {
      book.request(req(n, { breaker: { ...breaker, failures: 0 } }), n);
      book.release({ leaseId: `run-${n}/1`, outcome: 'failure' }, n);
    }
    expect(book.state.circuit).toEqual({ state: 'closed' });
    expect(book.state.refused).toBe(0);
  });
});

describe('a provider without a limit: circuit readings and failure reports without a lease', () => {
  const report = (n: number) => ({ reason: `HTTP 503 #${n}`, breaker, displayName: 'Runway' });

  it('reads closed until the threshold of reported failures within the window, then open with the reason', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    expect(book.circuitReading(0)).toEqual({ kind: 'closed' });
    // A failure that slid out of the window does not count; reports answer nobody.
    expect(book.reportFailure(report(0), 1_000)).toEqual([]);
    book.reportFailure(report(1), 70_000);
    book.reportFailure(report(2), 70_000);
    expect(book.circuitReading(70_000)).toEqual({ kind: 'closed' });
    book.reportFailure(report(3), 71_000);
    expect(book.circuitReading(101_000)).toEqual({
      kind: 'open',
      reason:
        'Runway circuit open for 90 s more (until 1970-01-01T00:03:11.000Z): 3 provider-side failures within 60 s, the last: HTTP 503 #3',
    });
    expect(book.state.holders).toEqual([]);
  });

  it('after the cooldown reads probe until a request took the probe, then open again; failures reported meanwhile do not count', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    for (let n = 0; n < 3; n++) book.reportFailure(report(n), 0);
    // Attempts started before it opened end afterwards: already said.
    book.reportFailure(report(9), 1_000);
    expect(book.state.circuit).toMatchObject({ state: 'open', until: 120_000 });
    expect(book.circuitReading(120_000)).toEqual({ kind: 'probe' });
    expect(kinds(book.request(req(10, { breaker }), 120_000))).toEqual(['scene-10:granted']);
    expect(book.circuitReading(120_001)).toMatchObject({
      kind: 'open',
      reason: expect.stringMatching(/^Runway circuit half-open: one probe is deciding whether it is back/),
    });
    book.reportFailure(report(11), 120_002);
    book.release({ leaseId: 'run-10/1', outcome: 'success' }, 125_000);
    expect(book.circuitReading(125_001)).toEqual({ kind: 'closed' });
    expect(book.state.failures).toEqual([]);
  });

  it('with the breaker off a report changes nothing', () => {
    const book = new GateBook(emptyGateState('runway', 'Runway'));
    for (let n = 0; n < 5; n++) book.reportFailure({ ...report(n), breaker: { ...breaker, failures: 0 } }, n);
    expect(book.state.failures).toEqual([]);
    expect(book.circuitReading(10)).toEqual({ kind: 'closed' });
  });
});

describe("an attempt's outcome for the breaker", () => {
  it('counts provider-side failures only', () => {
    const failed = ({ throttled, ...end }: { reason: AttemptReason; code?: string; throttled: boolean }) =>
      leaseOutcome({ ok: false, ...end }, throttled);
    expect(leaseOutcome({ ok: true }, false)).toBe('success');
    expect(failed({ reason: 'create_refused', code: 'server', throttled: false })).toBe('failure');
    expect(failed({ reason: 'create_refused', code: 'validation', throttled: false })).toBe('neutral');
    expect(failed({ reason: 'task_failed', throttled: false })).toBe('failure');
    expect(failed({ reason: 'content_policy_output', throttled: false })).toBe('neutral');
    expect(failed({ reason: 'content_policy_input', throttled: false })).toBe('neutral');
    expect(failed({ reason: 'deadline', throttled: true })).toBe('neutral');
    expect(failed({ reason: 'deadline', throttled: false })).toBe('failure');
    expect(failed({ reason: 'cancelled', throttled: false })).toBe('neutral');
  });
});
