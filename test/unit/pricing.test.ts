import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { estimateCostUsd, roundUsd, worstCaseCostUsd } from '../../src/domain/pricing';

const provider = (key: string) => defaultCatalogue.find((p) => p.key === key)!;

describe('estimateCostUsd', () => {
  it.each([
    ['runway', 7, 0.84], // 7 s allowed, $0.12/s
    ['kling', 7, 0.2], // 5 s (kling renders 5 or 10), $0.20 a 2.6 std clip
    ['kling', 3, 0.2], // 5 s, its shortest
    ['kling', 12, 0.4], // 10 s, its longest
    ['luma', 10, 0.2], // 5 s, its one duration, $0.04/s
    ['hailuo', 5, 0.23], // 6 s, its shortest, at $0.23 a v2.3 768p clip
    ['hailuo', 10, 0.383333], // 10 s at the 6 s clip's rate: the estimate is the cheapest per second
    ['hunyuan', 10, 0.09], // 5 s at $0.09 a clip
    ['veo', 5, 0.48], // 8 s, its one documented duration, $0.06/s
    ['veo', 7, 0.48], // 8 s
  ])('%s asked for %d s costs $%s: the fitted duration at the catalogue estimate per second', (key, sec, usd) => {
    expect(estimateCostUsd(provider(key), sec)).toBe(usd);
  });
});

describe('worstCaseCostUsd', () => {
  it('prices the fitted duration at the dearest documented rate', () => {
    expect(worstCaseCostUsd(provider('veo'), 7)).toBe(0.96); // 8 s at $0.12/s, the full model's price
    expect(worstCaseCostUsd(provider('hailuo'), 7)).toBe(0.27); // 6 s at the 10 s clip's $0.045/s
    expect(worstCaseCostUsd(provider('hailuo'), 10)).toBe(0.45); // the 10 s clip's price
    expect(worstCaseCostUsd(provider('luma'), 10)).toBe(estimateCostUsd(provider('luma'), 10)); // one price
  });
});

describe('roundUsd', () => {
  it('rounds to the micro-dollar, so sums of float prices compare exactly', () => {
    expect(roundUsd(0.1 + 0.2)).toBe(0.3);
    expect(roundUsd(12.3456789)).toBe(12.345679);
    expect(roundUsd(0.0000004)).toBe(0);
    expect(roundUsd(0.0000006)).toBe(0.000001);
    expect(roundUsd(1.2)).toBe(1.2);
  });
});
