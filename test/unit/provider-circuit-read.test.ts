import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
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
});
