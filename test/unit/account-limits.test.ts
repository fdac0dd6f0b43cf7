import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { withAccountLimits } from '../../src/domain/account-limits';

const runway = defaultCatalogue.find((p) => p.key === 'runway')!;
const limited = (maxInFlight?: number) => [{ ...runway, maxInFlight }, ...defaultCatalogue.filter((p) => p !== runway)];
const limitOf = (catalogue: typeof defaultCatalogue, key = 'runway') =>
  catalogue.find((p) => p.key === key)!.maxInFlight;

describe('withAccountLimits: the account bounds an entry of its route and model', () => {
  it("sets an unlimited entry's maxInFlight to its account's concurrency", () => {
    expect(limitOf(withAccountLimits(defaultCatalogue, { runway: { [runway.model]: 3 } }))).toBe(3);
  });

  it('keeps the lower of the catalogue and the account', () => {
    expect(limitOf(withAccountLimits(limited(2), { runway: { [runway.model]: 5 } }))).toBe(2);
    expect(limitOf(withAccountLimits(limited(8), { runway: { [runway.model]: 5 } }))).toBe(5);
  });

  it('leaves entries of other models and routes, and the catalogue itself, untouched', () => {
    const catalogue = structuredClone(defaultCatalogue);
    const limitedCatalogue = withAccountLimits(catalogue, { runway: { gen4_turbo: 1, [runway.model]: 4 } });
    for (const entry of limitedCatalogue.filter((p) => p.key !== 'runway'))
      expect(entry.maxInFlight).toBe(catalogue.find((p) => p.key === entry.key)!.maxInFlight);
    expect(catalogue).toEqual(defaultCatalogue);
    // A PiAPI entry whose model name a Runway model shared would still be left alone: limits are per route.
    const kling = defaultCatalogue.find((p) => p.route === 'piapi')!;
    expect(limitOf(withAccountLimits(defaultCatalogue, { runway: { [kling.model]: 1 } }), kling.key)).toBeUndefined();
  });

  it('ignores a reported concurrency below 1 and rounds a fractional one down', () => {
    expect(limitOf(withAccountLimits(defaultCatalogue, { runway: { [runway.model]: 0 } }))).toBeUndefined();
    expect(limitOf(withAccountLimits(defaultCatalogue, { runway: { [runway.model]: Number.NaN } }))).toBeUndefined();
    expect(limitOf(withAccountLimits(defaultCatalogue, { runway: { [runway.model]: 2.7 } }))).toBe(2);
  });
});
