import { describe, expect, it } from 'vitest';
import { renderGates } from '../../src/cli/commands/gates';
import { livePhase } from '../../src/cli/progress-tables';
import type { GateView } from '../../src/contract/provider-gate';
import { emptyGateState } from '../../src/domain/provider-gate';

const view = (over: Partial<GateView>): GateView => ({
  ...emptyGateState('runway', 'Runway Gen-4.5'),
  limit: null,
  taskQueue: 'scene-video',
  ...over,
});

describe('provider gates in the CLI', () => {
  it("shows a scene waiting for a provider's slot as its phase, with its place once the gate told it", () => {
    const since = '2026-01-01T00:00:00.000Z';
    expect(livePhase({ phase: 'ranking' })).toBe('ranking');
    expect(livePhase({ phase: 'ranking', waitingForSlot: { provider: 'runway', displayName: 'Runway', since } })).toBe(
      'waiting for a Runway slot',
    );
    expect(
      livePhase({
        phase: 'generating',
        waitingForSlot: { provider: 'runway', displayName: 'Runway', since, ahead: 3 },
      }),
    ).toBe('waiting for a Runway slot, 3 ahead');
  });

  it('lists each gate with its limit, leases, queue and circuit', () => {
    const holder = { workflowId: 'w', runId: 'r', leaseId: 'r/1', since: 0 };
    const text = renderGates([
      view({ limit: 5, catalogueLimit: 5, holders: [holder], waiters: [holder, holder], granted: 9 }),
      view({
        provider: 'kling',
        limit: 2,
        operatorLimit: 2,
        breaker: { failures: 5, windowMs: 60_000, cooldownMs: 120_000 },
        circuit: {
          state: 'open',
          reason: '5 provider-side failures within 60 s',
          openedAt: 0,
          until: Date.now() + 90_000,
        },
        refused: 4,
      }),
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^TASK QUEUE\s+PROVIDER\s+LIMIT \(tasks\)\s+HOLDING\s+WAITING\s+GRANTED\s+REFUSED\s+CIRCUIT$/,
    );
    expect(lines[1]).toMatch(/^scene-video\s+runway\s+5\s+1\s+2\s+9\s+0\s+off$/);
    expect(lines[2]).toMatch(
      /^scene-video\s+kling\s+2 \(set\)\s+0\s+0\s+0\s+4\s+open for (89|90)(\.\d)? s more: 5 provider-side/,
    );
  });
});
