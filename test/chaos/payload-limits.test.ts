import { it } from 'vitest';
import { expectClean } from './expect-clean';
import { globalChaosStack } from './global-stack';
import { printFigures } from './lib/report';
import { payloadLimitsScenario } from './scenarios/payload-limits';

// Reduced `npm run test:chaos -- payload-limits`: the project at the limit has 100 scenes of three-byte prompts
// instead of 500 of one-byte ones (the same bytes, a fifth of the scenes), and 20 failing scenes instead of 500.
it('projects beyond the payload limit are refused before start or fail fast naming it; one at the limit runs', async () => {
  const report = await payloadLimitsScenario(globalChaosStack(), { scenesAtLimit: 100, char: '語', failingScenes: 20 });
  printFigures(report);
  expectClean(report);
}, 240_000);
