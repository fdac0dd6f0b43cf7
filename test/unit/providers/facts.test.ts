import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../../src/config/catalogue';
import { selectVariant, type ModelCapabilities } from '../../../src/providers/capabilities';
import type { Fact } from '../../../src/providers/facts';
import { requestPrice, routeRegistry } from '../../../src/providers/routes';

/** Every model of every route, variants included, by a readable name. */
const models: [string, ModelCapabilities][] = Object.entries(routeRegistry).flatMap(([route, r]) =>
  Object.entries(r.models as Readonly<Record<string, ModelCapabilities>>).flatMap(([name, m]) => [
    [`${route} ${name}`, m] as [string, ModelCapabilities],
    ...Object.entries(m.variants?.models ?? {}).map(
      ([value, v]) => [`${route} ${name} (options.${m.variants!.option} "${value}")`, v] as [string, ModelCapabilities],
    ),
  ]),
);

const everyFact = (m: ModelCapabilities): Fact<unknown>[] =>
  Object.values(m.facts).flatMap((f: Fact<unknown> | readonly Fact<unknown>[]) => (Array.isArray(f) ? f : [f]));

describe('each model states its facts once, each with a source', () => {
  it.each(models)('%s: every fact names its source, a date and a confidence', (_name, model) => {
    for (const f of everyFact(model)) {
      expect(f.source.cite.length).toBeGreaterThan(10);
      expect(f.source.date).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
      expect(['high', 'medium', 'low']).toContain(f.source.confidence);
    }
  });

  it.each(models)('%s: the capabilities are read off the facts', (_name, model) => {
    expect(model.durationsSec).toBe(model.facts.durationsSec.value);
    expect(model.aspectRatios).toEqual(Object.keys(model.facts.aspectRatios.value));
    expect(model.maxPromptChars).toBe(model.facts.maxPromptChars?.value);
    expect(model.cancel).toBe(model.facts.cancel.value);
    expect(model.optInDurationsSec?.filter((d) => model.durationsSec.includes(d)) ?? []).toEqual([]);
  });

  it.each(models)('%s: a per-clip price and its per-second figure agree', (_name, model) => {
    expect(model.facts.prices.length).toBeGreaterThan(0);
    for (const { value: p } of model.facts.prices) {
      if (p.perClip) expect(p.usdPerSecond).toBeCloseTo(p.perClip.usd / p.perClip.durationSec, 12);
      expect(p.worstUsdPerSecond ?? p.usdPerSecond).toBeGreaterThanOrEqual(p.usdPerSecond);
    }
  });
});

describe('the default catalogue is priced from the facts, for the exact request each entry sends', () => {
  it.each(defaultCatalogue.map((p) => [p.key, p] as const))('%s', (_key, provider) => {
    const { costPerSecondUsd, maxCostPerSecondUsd } = requestPrice(provider);
    expect(provider).toMatchObject({ costPerSecondUsd, maxCostPerSecondUsd });
  });

  it.each<[string, string, number, number]>([
    ['runway', 'gen4.5', 0.12, 0.12], // 12 credits/s at $0.01
    ['kling', '2.6 std, no audio', 0.04, 0.04], // $0.20 a 5 s clip
    ['luma', 'ray-v2', 0.04, 0.04], // 2,000,000 units for 5 s
    ['hailuo', 'v2.3, 768p', 0.23 / 6, 0.045], // $0.23 for 6 s, $0.45 for 10 s
    ['hunyuan', 'txt2video', 0.018, 0.018], // $0.09 a 5 s clip
    ['veo', 'veo3.1-video-fast, no audio', 0.06, 0.12], // billed as veo3.1-video at worst
  ])('%s sends %s: $%s/s estimate, $%s/s worst case', (key, variant, estimate, worst) => {
    const provider = defaultCatalogue.find((p) => p.key === key)!;
    expect(requestPrice(provider)).toMatchObject({ variant, costPerSecondUsd: estimate, maxCostPerSecondUsd: worst });
  });

  it('prices a variant the options select at its own facts, and names the prices stated when one is missing', () => {
    expect(requestPrice({ route: 'piapi', model: 'hailuo' })).toMatchObject({
      variant: '01',
      costPerSecondUsd: 0.2 / 6,
    });
    expect(() => requestPrice({ route: 'piapi', model: 'kling', options: { version: '3.0' } })).toThrow(
      'no price is stated for "3.0 std, no audio" (stated: 2.6 std, no audio; 2.6 pro, no audio)',
    );
  });

  it('selects a variant only by a value it has', () => {
    const hailuo = routeRegistry.piapi.models.hailuo;
    expect(selectVariant(hailuo, undefined)).toBe(hailuo);
    expect(hailuo.durationsSec).toEqual([6]);
    expect(selectVariant(hailuo, { model: 'v2.3' })!.durationsSec).toEqual([6, 10]);
    expect(selectVariant(hailuo, { model: 'v9' })).toBeUndefined();
  });
});
