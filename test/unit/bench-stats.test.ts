import { describe, expect, it } from 'vitest';
import { countedText, rateWithin, summarize, tally } from '../../bench/lib/stats';

describe('bench statistics', () => {
  it('interpolates the 95th percentile between the closest ranks', () => {
    const values = Array.from({ length: 21 }, (_, i) => i * 10);
    expect(summarize(values).p95).toBe(190);
    expect(summarize([1, 2]).p95).toBeCloseTo(1.95);
  });

  it('measures a counter’s rate between the first and last samples inside the window only', () => {
    const samples = [0, 5_000, 10_000, 15_000, 20_000].map((atMs, i) => ({ atMs, n: [0, 900, 1000, 1500, 2000][i]! }));
    // 5 s to 15 s: 600 more in 10 s; the burst before 5 s is outside.
    expect(rateWithin(samples, (s) => s.n, 4_000, 16_000)).toBe(60);
    expect(rateWithin(samples, (s) => s.n, 11_000, 14_000)).toBeNull();
  });

  it('tallies values in order of first appearance', () => {
    expect(tally(['running→running', 'succeeded→succeeded', 'running→running'])).toEqual({
      'running→running': 2,
      'succeeded→succeeded': 1,
    });
    expect(Object.keys(tally(['b', 'a', 'b']))).toEqual(['b', 'a']);
    expect(tally([])).toEqual({});
  });

  it('names counted values as "n× value" in their order', () => {
    expect(countedText(tally(['running→running', 'succeeded→succeeded', 'running→running']))).toEqual([
      '2× running→running',
      '1× succeeded→succeeded',
    ]);
    expect(countedText({})).toEqual([]);
  });
});
