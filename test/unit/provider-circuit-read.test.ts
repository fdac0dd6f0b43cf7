import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { describe, expect, it, vi } from 'vitest';
import { readProviderCircuit } from '../../src/activities/provider-gate';
import type { GateView } from '../../src/contract/provider-gate';
import { emptyGateState } from '../../src/domain/provider-gate';

/** A client whose gate query answers `answer`; the log lines the activity wrote. */
function read(answer: () => Promise<GateView>) {
  const client = {
    withAbortSignal: (_signal: AbortSignal, fn: () => Promise<unknown>) => fn(),
    connection: { withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn() },
    workflow: { getHandle: () => ({ query: answer }) },
  } as unknown as Client;
  const logged: string[] = [];
  const logger = new DefaultLogger('WARN', (entry) => logged.push(entry.message));
  const env = new MockActivityEnvironment(undefined, { client, logger });
  const reading = env.run(readProviderCircuit, { gateId: 'scene-video-gate:q:runway' });
  return { reading, logged };
}

const view = (circuit: GateView['circuit']): GateView => ({
  ...emptyGateState('runway', 'Runway'),
  circuit,
  limit: null,
  taskQueue: 'q',
});

describe('reading a circuit without a lease', () => {
  it("reads the gate's circuit: open with its reason, half-open as the probe", async () => {
    const until = Date.now() + 30_000;
    const open = await read(async () => view({ state: 'open', reason: '5 failures', openedAt: 0, until })).reading;
    expect(open).toMatchObject({ kind: 'open', reason: expect.stringMatching(/^Runway circuit open for 30 s more/) });
    const past = await read(async () => view({ state: 'open', reason: '5 failures', openedAt: 0, until: 1 })).reading;
    expect(past).toEqual({ kind: 'probe' });
  });

  it('no gate yet reads closed; a gate that cannot be queried reads closed too, and says so in the log', async () => {
    expect(await read(() => Promise.reject(new WorkflowNotFoundError('none', 'g', undefined))).reading).toEqual({
      kind: 'closed',
    });
    const failing = read(() => Promise.reject(new Error('deadline exceeded')));
    expect(await failing.reading).toEqual({ kind: 'closed' });
    expect(failing.logged).toEqual([expect.stringMatching(/could not read the circuit .* reading it as closed/)]);
  });

  it('one query serves the worker a while: 2 s after an answer, 30 s after a gate that did not answer in time', async () => {
    let queries = 0;
    let answer: () => Promise<GateView> = async () => view({ state: 'closed', failures: [] } as GateView['circuit']);
    const client = {
      withAbortSignal: (_signal: AbortSignal, fn: () => Promise<unknown>) => fn(),
      connection: { withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn() },
      workflow: { getHandle: () => ({ query: () => (queries++, answer()) }) },
    } as unknown as Client;
    const env = new MockActivityEnvironment(undefined, { client, logger: new DefaultLogger('ERROR') });
    const readAt = (now: number) => {
      vi.setSystemTime(now);
      return env.run(readProviderCircuit, { gateId: 'scene-video-gate:q:runway' });
    };
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const t0 = Date.parse('2026-12-06T10:00:00Z');
      // Scenes starting together share the one query in flight.
      expect(await Promise.all([readAt(t0), readAt(t0), readAt(t0)])).toEqual(Array(3).fill({ kind: 'closed' }));
      expect(queries).toBe(1);
      answer = async () => view({ state: 'open', reason: '5 failures', openedAt: t0, until: t0 + 60_000 });
      expect(await readAt(t0 + 1_999)).toEqual({ kind: 'closed' });
      expect(queries).toBe(1);
      expect(await readAt(t0 + 2_001)).toMatchObject({ kind: 'open' });
      expect(queries).toBe(2);
      answer = () => Promise.reject(new Error('deadline exceeded'));
      expect(await readAt(t0 + 4_002)).toEqual({ kind: 'closed' });
      expect(queries).toBe(3);
      expect(await readAt(t0 + 33_000)).toEqual({ kind: 'closed' });
      expect(queries).toBe(3);
      expect(await readAt(t0 + 34_003)).toEqual({ kind: 'closed' });
      expect(queries).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });
});
