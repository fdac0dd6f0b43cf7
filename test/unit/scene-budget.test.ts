import { describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../src/contract/catalogue';
import { defaultCatalogue } from '../../src/config/catalogue';
import { SceneBudget } from '../../src/domain/scene-budget';

const provider = (key: string): ProviderConfig => defaultCatalogue.find((p) => p.key === key)!;
// At 10 s Veo renders 8 s: its estimate is $0.48 and its worst case $0.96 ($0.06/s and $0.12/s); Luma's are both $0.20.
const veo = provider('veo');
const luma = provider('luma');

describe('a scene budget held as a cap (runs with scene-budget-worst-case)', () => {
  it('skips a provider whose worst case does not fit in what is left, and says the scene stopped for budget', () => {
    const budget = new SceneBudget(0.9, true);
    expect(budget.skipReason(veo, 10, 0)).toBe(
      'budget: worst case $0.9600 would exceed the budget ($0.9 with $0 spent)',
    );
    expect(budget.skippedForCap).toBe(true);
    expect(budget.skipReason(luma, 10, 0)).toBeUndefined();
  });

  it('lets an attempt that fits exactly start', () => {
    const budget = new SceneBudget(2.2, true);
    expect(budget.skipReason(luma, 10, 2)).toBeUndefined();
    expect(budget.skippedForCap).toBe(false);
  });

  it('after a charge above the worst case, notes it and tries no other provider, however cheap', () => {
    const budget = new SceneBudget(10, true);
    expect(budget.overrun('luma', 0.2, 0.2)).toBeUndefined();
    expect(budget.overrun('luma', 0.3, 0.2)).toMatch(/^budget: billed \$0\.3000, above the worst case \$0\.2000/);
    expect(budget.skipReason(provider('hunyuan'), 10, 0.3)).toMatch(
      /^budget: not tried, the scene stopped after luma billed \$0\.3000, above the worst case \$0\.2000/,
    );
    expect(budget.skippedForCap).toBe(true);
  });
});

describe('a scene budget from before the cap (replayed as it decided then)', () => {
  it('checks the estimate, not the worst case, and never counts as stopped for budget', () => {
    const budget = new SceneBudget(0.9, false);
    expect(budget.skipReason(veo, 10, 0)).toBeUndefined();
    expect(budget.skipReason(veo, 10, 0.5)).toBe('estimated $0.4800 would exceed the budget ($0.9 with $0.5 spent)');
    expect(budget.skippedForCap).toBe(false);
  });

  it('lets a charge above the worst case pass without a note or a stop', () => {
    const budget = new SceneBudget(10, false);
    expect(budget.overrun('luma', 0.3, 0.2)).toBeUndefined();
    expect(budget.skipReason(luma, 10, 0.3)).toBeUndefined();
  });
});

describe('a scene without maxCostUsd', () => {
  it('skips nothing and stops for nothing, whichever code started it', () => {
    for (const heldAsCap of [true, false]) {
      const budget = new SceneBudget(undefined, heldAsCap);
      expect(budget.skipReason(veo, 10, 100)).toBeUndefined();
      expect(budget.overrun('veo', 5, 2)).toBeUndefined();
      expect(budget.skippedForCap).toBe(false);
    }
  });
});
