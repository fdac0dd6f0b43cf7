import { describe, expect, it } from 'vitest';
import { expectClean } from './expect-clean';
import { globalChaosStack } from './global-stack';
import { hostileReplies } from './scenarios/hostile-replies';

// Reduced `npm run test:chaos -- hostile-replies`: every hostile reply once, with two bystander scenes.
describe('provider replies that would sink a worker', () => {
  it('endless and 60 MB replies, a trickling video and a 404 URL: no restart, bounded RSS, every clip stored once', async () => {
    const report = await hostileReplies(globalChaosStack(), {
      bystanders: 2,
      throughputWindowSec: 3,
      maxRssGrowthMiB: 150,
    });
    console.log(report.figures.join('\n'));
    expectClean(report);
    expect(report.ambiguousUnrecorded).toBe(2);
  }, 300_000);
});
