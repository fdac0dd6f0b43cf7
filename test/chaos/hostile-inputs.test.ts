import { describe, it } from 'vitest';
import { expectClean } from './expect-clean';
import { globalChaosStack } from './global-stack';
import { badInput } from './scenarios/bad-input';
import { faultMatrix } from './scenarios/fault-matrix';
import { secrets } from './scenarios/secrets';
import { unsafeUrlScenario } from './scenarios/unsafe-urls';

// Reduced `npm run test:chaos` scenarios: each API takes every other fault, and the minutes-long cases are left out.
describe.concurrent('what providers and callers throw at the worker', () => {
  it('every provider fault kind ends as documented: retried, fallen through with its reason, or failed clearly', async () => {
    expectClean(await faultMatrix(globalChaosStack(), { routes: 'alternate', includeSlow: false, concurrency: 4 }));
  }, 240_000);

  it('invalid scenes and projects are refused by the client, start nothing, and fail fast in the workflow', async () => {
    expectClean(await badInput(globalChaosStack()));
  }, 180_000);

  it('unsafe video URLs are refused before any connection, and the attempt falls through', async () => {
    expectClean(await unsafeUrlScenario(globalChaosStack()));
  }, 180_000);

  it('keys echoed back by providers reach no history, memo, search attribute, error message or log line', async () => {
    expectClean(await secrets(globalChaosStack()));
  }, 180_000);
});
