import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { fitDuration } from '../../src/domain/duration';
import { estimateCostUsd, roundUsd } from '../../src/domain/pricing';
import { buildPiapiTaskRequest, buildRunwayTaskRequest, type GenerationRequest } from '../../src/providers';

describe('fitDuration', () => {
  it.each([
    // requested, allowed, fitted
    [5, [5, 10], 5],
    [7, [5, 10], 5],
    [10, [5, 10], 10],
    [30, [5, 10], 10],
    [3, [5, 10], 5],
    [0.5, [4, 6, 8], 4],
    [5.9, [4, 6, 8], 4],
    [6, [4, 6, 8], 6],
    [9, [8], 8],
    [2, [8], 8],
    [7.5, [10, 2, 5], 5],
  ])('requested %s s from %j → %s s', (requested, allowed, fitted) => {
    expect(fitDuration(requested, allowed)).toBe(fitted);
  });

  it('needs at least one allowed duration', () => {
    expect(() => fitDuration(5, [])).toThrow(RangeError);
  });
});

const build = { piapi: buildPiapiTaskRequest, runway: buildRunwayTaskRequest };

describe('the duration is decided once: what the budget prices is what the adapter sends', () => {
  const requested = [1, 2, 3, 4, 4.5, 5, 6, 7, 8, 9, 10, 12, 30, 60];
  it.each(defaultCatalogue.map((p) => [p.key, p] as const))('%s', (_key, provider) => {
    for (const durationSec of requested) {
      const fitted = fitDuration(durationSec, provider.allowedDurationsSec);
      expect(estimateCostUsd(provider, durationSec)).toBe(roundUsd(fitted * provider.costPerSecondUsd));
      for (const imageUrl of [undefined, 'https://images.example.com/start.png']) {
        const request: GenerationRequest = {
          prompt: 'A lighthouse at dusk',
          durationSec: fitted,
          aspectRatio: provider.aspectRatios[0]!,
          imageUrl,
          model: {
            route: provider.route,
            model: provider.model,
            taskType: provider.taskType,
            options: provider.options,
          },
        };
        expect(() => build[provider.route](request)).not.toThrow();
      }
    }
  });
});
