import { describe, it } from 'vitest';
import { expectClean } from './expect-clean';
import { globalChaosStack } from './global-stack';
import { passed, printFigures } from './lib/report';
import { webhooks } from './scenarios/webhooks';

describe('webhooks', () => {
  it('forged, duplicated, reordered and lost webhooks, then the receiver down: no forgery accepted, each scene stored once', async () => {
    // The full scenario in miniature: 10 spoiled scenes, then a 12 s outage with two scenes on each side of its start.
    const report = await webhooks(globalChaosStack(), {
      scenes: 10,
      backstopSec: 2,
      outage: {
        scenesBefore: 2,
        scenesDuring: 2,
        duringAfterMs: 4_000,
        downMs: 12_000,
        backstopSec: 20,
        renderSec: [3, 5, 7, 9, 11],
        redeliverEveryMs: 2_000,
      },
    });
    if (!passed(report)) printFigures(report);
    expectClean(report);
  }, 300_000);
});
