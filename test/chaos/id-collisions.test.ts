import { describe, expect, it } from 'vitest';
import { expectClean } from './expect-clean';
import { globalChaosStack } from './global-stack';
import { idCollisions } from './scenarios/id-collisions';

// The reduced `npm run test:chaos -- id-collisions`: one colliding pair and ten simultaneous starts.
describe('workflow ids under collisions and races', () => {
  it('colliding scenes get their own runs and clips, foreign attaches are refused, legacy runs attached, one started:true', async () => {
    const report = await idCollisions(globalChaosStack(), { pairs: 1, simultaneous: 10 });
    expectClean(report);
    expect(report.figures).toContain('10 simultaneous starts of one scene: 1 answered started: true');
    expect(report.figures).toContain(
      '3/3 attaches to another scene refused (forged id, changed content, project child)',
    );
  }, 240_000);
});
