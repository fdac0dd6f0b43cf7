import { describe, expect, it } from 'vitest';
import { EstimateReservations } from '../../src/domain/project-budget-estimates';

describe('a project budget kept by cheapest estimates (runs from before budgets were hard caps)', () => {
  it("starts every scene without a budget, at the scene's own maxCostUsd", () => {
    const r = new EstimateReservations(undefined);
    expect(r.decide(0.09, 100, undefined)).toEqual({ kind: 'start', maxCostUsd: undefined });
    expect(r.decide(0.09, 100, 0.3)).toEqual({ kind: 'start', maxCostUsd: 0.3 });
  });

  it("lets a scene spend what is left after costs and running scenes' estimates, within its own cap", () => {
    const r = new EstimateReservations(0.5);
    expect(r.decide(0.09, 0, undefined)).toEqual({ kind: 'start', maxCostUsd: 0.5 });
    r.reserve(0.09);
    expect(r.decide(0.2, 0, 0.3)).toEqual({ kind: 'start', maxCostUsd: 0.3 });
    r.reserve(0.2);
    expect(r.decide(0.1, 0.1, undefined)).toEqual({ kind: 'start', maxCostUsd: 0.11 });
  });

  it('skips a scene whose cheapest estimate what is left cannot cover, saying how much is left', () => {
    const r = new EstimateReservations(0.5);
    r.reserve(0.09);
    r.reserve(0.2);
    expect(r.decide(0.2, 0.1, undefined)).toEqual({
      kind: 'skip',
      reason: 'budget: $0.1100 left cannot cover the cheapest estimate $0.2000',
    });
    // The running scene's estimate comes back when it ends.
    r.release(0.2);
    expect(r.decide(0.2, 0.1, undefined)).toEqual({ kind: 'start', maxCostUsd: 0.31 });
  });
});
