import { describe, expect, it } from 'vitest';
import { expectClean } from './expect-clean';
import { globalChaosStack } from './global-stack';
import { budgetCap } from './scenarios/budget-cap';

// Reduced `npm run test:chaos -- budget-cap`: a budgeted project and a budgeted scene at the sandbox's default prices.
describe('budget cap', () => {
  it('a project budget and a scene budget hold against what the providers bill', async () => {
    const report = await budgetCap(globalChaosStack(), { full: false });
    console.log(report.figures.join('\n'));
    expect(report.figures).toHaveLength(2);
    expectClean(report);
  }, 240_000);
});
