import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { fitDuration } from '../../src/domain/duration';

describe('fitDuration', () => {
  it('asks for the requested duration when allowed, else the largest allowed below it', () => {
    expect(fitDuration(6, [4, 6, 8])).toBe(6);
    expect(fitDuration(7, [4, 6, 8])).toBe(6);
    expect(fitDuration(12, [4, 6, 8])).toBe(8);
    expect(fitDuration(5.5, [5, 10])).toBe(5);
  });

  it('asks for the smallest allowed duration when every allowed one is longer than requested', () => {
    expect(fitDuration(2, [4, 6, 8])).toBe(4);
    expect(fitDuration(1, [6])).toBe(6);
  });

  it('takes the allowed list in any order and leaves it as it was', () => {
    const allowed = [8, 4, 6];
    expect(fitDuration(7, allowed)).toBe(6);
    expect(allowed).toEqual([8, 4, 6]);
  });

  it('refuses an empty allowed list', () => {
    expect(() => fitDuration(5, [])).toThrow(new RangeError('fitDuration needs at least one allowed duration'));
  });

  it('gives every catalogue model an allowed duration, with no allowed one between it and the request', () => {
    for (const p of defaultCatalogue)
      for (let requested = 1; requested <= 15; requested++) {
        const fitted = fitDuration(requested, p.allowedDurationsSec);
        expect(p.allowedDurationsSec).toContain(fitted);
        if (fitted > requested) expect(fitted).toBe(Math.min(...p.allowedDurationsSec));
        else expect(p.allowedDurationsSec.filter((d) => d > fitted && d <= requested)).toEqual([]);
      }
  });
});
