import { describe, expect, it } from 'vitest';
import { defaultCatalogue, defaultEntries } from '../../src/config/catalogue';
import { catalogueEntrySchema } from '../../src/config/catalogue-entry';
import { aspectRatios } from '../../src/contract/catalogue';
import {
  durationGapReason,
  planProviders,
  PlanError,
  promptLimitReason,
  type ProviderPlan,
} from '../../src/domain/planning';
import type { ValidSceneInput } from '../../src/contract/scene-input';

const all = defaultCatalogue.map((p) => p.key);
const entry = (key: string) => defaultCatalogue.find((p) => p.key === key)!;
const keys = (plan: ProviderPlan) => plan.order.map((p) => p.key);
const lastReason = (plan: ProviderPlan, key: string) => plan.ranking.find((r) => r.provider === key)!.reasons.at(-1);

const scene = (prompt: string, extra: Partial<ValidSceneInput> = {}): ValidSceneInput => ({
  sceneId: 's',
  sceneType: 'hook',
  prompt,
  negativePrompt: 'blurry',
  durationSec: 5,
  aspectRatio: '16:9',
  polling: { intervalMs: 5_000, providerDeadlineMs: 600_000, queueDeadlineMs: 1_800_000 },
  ...extra,
});

/** No provider has this scene type as a strength nor a keyword in this prompt: only priorities rank. */
const plain = (extra: Partial<ValidSceneInput> = {}) => scene('plain text', { sceneType: 'unknown', ...extra });
/**
 * Base 100 − 10 × priority: runway and kling (priority 1) 90, luma and veo (2) 80, hailuo (3) 70, hunyuan (4) 60;
 * ties in catalogue order.
 */
const byPriority = ['runway', 'kling', 'luma', 'veo', 'hailuo', 'hunyuan'];
const long = 'a'.repeat(1_500);

describe('planning: aspect ratio', () => {
  it.each(aspectRatios)('for %s tries, in ranking order, exactly the providers whose catalogue lists it', (ratio) => {
    const plan = planProviders(plain({ aspectRatio: ratio }), defaultCatalogue, all);
    const able = byPriority.filter((k) => entry(k).aspectRatios.includes(ratio));
    expect(keys(plan)).toEqual(able);
    expect(plan.ranking.map((r) => r.provider)).toEqual(byPriority);
    for (const k of byPriority.filter((k) => !able.includes(k)))
      expect(lastReason(plan, k)).toBe(`skipped: cannot render ${ratio}`);
  });

  it('skips Runway, Veo and Hailuo for 1:1 and Hailuo alone for 9:16', () => {
    expect(keys(planProviders(plain({ aspectRatio: '1:1' }), defaultCatalogue, all))).toEqual([
      'kling',
      'luma',
      'hunyuan',
    ]);
    expect(keys(planProviders(plain({ aspectRatio: '9:16' }), defaultCatalogue, all))).not.toContain('hailuo');
  });

  it('gives one reason per skipped provider: the aspect ratio before the prompt length', () => {
    const plan = planProviders(scene(long, { sceneType: 'unknown', aspectRatio: '1:1' }), defaultCatalogue, all);
    expect(plan.ranking.find((r) => r.provider === 'runway')!.reasons).toEqual([
      'base 90 (priority 1)',
      'skipped: cannot render 1:1',
    ]);
    expect(lastReason(plan, 'hunyuan')).toBe(
      'skipped: the prompt has 1500 characters and Hunyuan Video accepts at most 1000',
    );
  });
});

describe('planning: prompt limits', () => {
  it('skips Runway and Hunyuan for a 1,500-character prompt, with the reason in the ranking', () => {
    const plan = planProviders(scene(long), defaultCatalogue, all);
    expect(keys(plan)).toEqual(['kling', 'luma', 'veo', 'hailuo']);
    expect(lastReason(plan, 'runway')).toBe(
      'skipped: the prompt has 1500 characters and Runway Gen-4.5 accepts at most 1000',
    );
    expect(lastReason(plan, 'hunyuan')).toMatch(/accepts at most 1000/);
  });

  it('counts UTF-16 code units, as Runway does', () => {
    expect(promptLimitReason(entry('runway'), '😀'.repeat(500))).toBeUndefined(); // 1,000 units
    expect(promptLimitReason(entry('runway'), '😀'.repeat(501))).toMatch(/1002 characters/);
    expect(promptLimitReason(entry('luma'), long)).toBeUndefined(); // no limit in the catalogue
  });

  it('leaves a prompt at the limit alone, and plans as before over a catalogue recorded before limits existed', () => {
    expect(planProviders(scene('a'.repeat(1_000)), defaultCatalogue, all).order[0]!.key).toBe('runway');
    const recordedBefore = defaultCatalogue.map(({ maxPromptChars: _, ...p }) => p);
    expect(planProviders(scene(long), recordedBefore, all).order[0]!.key).toBe('runway');
  });
});

describe('planning: duration gap (maxDurationGapSec, 3 s in the default catalogue)', () => {
  // The clip each provider would render for a scene of 3/5/6/8/10/12 s: its largest duration ≤ the scene's, else its
  // shortest (runway 2–10, kling 5/10, luma 5, hailuo 6/10, hunyuan 5, veo 8).
  it.each<[number, string[]]>([
    [3, ['runway', 'kling', 'luma', 'hailuo', 'hunyuan']], // veo: 8 s, 5 s off
    [5, byPriority], // veo: 8 s, 3 s off, kept
    [6, byPriority],
    [8, byPriority], // kling, luma and hunyuan: 5 s, 3 s off, kept
    [10, ['runway', 'kling', 'veo', 'hailuo']], // luma and hunyuan: 5 s, 5 s off
    [12, ['runway', 'kling', 'hailuo']], // veo: 8 s, 4 s off; luma and hunyuan: 7 s off
  ])('for a %s s scene tries %j', (durationSec, tried) => {
    expect(keys(planProviders(plain({ durationSec }), defaultCatalogue, all))).toEqual(tried);
  });

  it('says how far off the clip would be, and what the catalogue allows', () => {
    const plan = planProviders(plain({ durationSec: 12 }), defaultCatalogue, all);
    expect(lastReason(plan, 'veo')).toBe(
      'skipped: the scene lasts 12 s and Veo 3.1 would render 8 s (4 s off; the catalogue allows 3 s)',
    );
    expect(durationGapReason(entry('luma'), 10)).toBe(
      'skipped: the scene lasts 10 s and Luma Dream Machine would render 5 s (5 s off; the catalogue allows 3 s)',
    );
    expect(durationGapReason(entry('veo'), 5)).toBeUndefined(); // exactly 3 s off
    expect(durationGapReason({ ...entry('veo'), maxDurationGapSec: 0 }, 7.5)).toMatch(/\(0\.5 s off; .* 0 s\)$/);
  });

  it('never leaves a scene without a provider for its length: longer than any clip, it goes to the nearest', () => {
    // 20 s: runway, kling and hailuo render 10 s (10 s off), veo 8 s, luma and hunyuan 5 s.
    const plan = planProviders(plain({ durationSec: 20 }), defaultCatalogue, all);
    expect(keys(plan)).toEqual(['runway', 'kling', 'hailuo']);
    expect(lastReason(plan, 'veo')).toBe(
      'skipped: the scene lasts 20 s and Veo 3.1 would render 8 s ' +
        '(12 s off; the catalogue allows 3 s, and another provider comes within 10 s)',
    );
    expect(keys(planProviders(plain({ durationSec: 20, allowedProviders: ['luma'] }), defaultCatalogue, all))).toEqual([
      'luma',
    ]);
  });

  it('measures the nearest only among providers that can take the scene otherwise', () => {
    // A 9:16 scene of 20 s: hailuo renders only 16:9, so it does not set the bar; runway and kling (10 s) still do.
    const portrait = planProviders(plain({ durationSec: 20, aspectRatio: '9:16' }), defaultCatalogue, all);
    expect(keys(portrait)).toEqual(['runway', 'kling']);
    // Only luma and veo allowed: veo's 8 s is nearer than luma's 5 s, so luma is skipped.
    const two = planProviders(plain({ durationSec: 20, allowedProviders: ['luma', 'veo'] }), defaultCatalogue, all);
    expect(keys(two)).toEqual(['veo']);
    expect(lastReason(two, 'luma')).toMatch(
      /\(15 s off; the catalogue allows 3 s, and another provider comes within 12 s\)$/,
    );
  });

  it('plans as before over a catalogue recorded without the field: replayed runs need no patch', () => {
    const recordedBefore = defaultCatalogue.map(({ maxDurationGapSec: _, ...p }) => p);
    for (const durationSec of [3, 10, 12, 30])
      expect(keys(planProviders(plain({ durationSec }), recordedBefore, all))).toEqual(byPriority);
  });
});

describe('planning: preferred provider', () => {
  it('goes first; the others follow in ranking order and the scores do not change', () => {
    const plan = planProviders(plain({ preferredProvider: 'hunyuan' }), defaultCatalogue, all);
    expect(keys(plan)).toEqual(['hunyuan', ...byPriority.filter((k) => k !== 'hunyuan')]);
    expect(plan.ranking).toEqual(planProviders(plain(), defaultCatalogue, all).ranking);
  });

  it('is not tried when it cannot render the aspect ratio, and the others are tried as without it', () => {
    const plan = planProviders(plain({ preferredProvider: 'hailuo', aspectRatio: '9:16' }), defaultCatalogue, all);
    expect(keys(plan)).toEqual(keys(planProviders(plain({ aspectRatio: '9:16' }), defaultCatalogue, all)));
    expect(lastReason(plan, 'hailuo')).toBe('skipped: cannot render 9:16');
  });

  it('is not tried when the allowed list leaves it out', () => {
    const plan = planProviders(
      plain({ preferredProvider: 'runway', allowedProviders: ['luma', 'kling'] }),
      defaultCatalogue,
      all,
    );
    expect(keys(plan)).toEqual(['kling', 'luma']);
  });

  it('fails planning when the worker has no key for it, listing what is configured', () => {
    const plan = () => planProviders(plain({ preferredProvider: 'veo' }), defaultCatalogue, ['runway', 'kling']);
    expect(plan).toThrow(PlanError);
    expect(plan).toThrow('preferredProvider "veo" is not configured on the worker (configured: runway, kling)');
    expect(() => planProviders(plain({ preferredProvider: 'veo' }), defaultCatalogue, [])).toThrow(
      '(configured: none)',
    );
  });
});

describe('planning: allowed list and configured providers', () => {
  it('tries only the allowed providers, in ranking order rather than list order', () => {
    const plan = planProviders(plain({ allowedProviders: ['hunyuan', 'luma'] }), defaultCatalogue, all);
    expect(keys(plan)).toEqual(['luma', 'hunyuan']);
    expect(plan.ranking.map((r) => r.provider)).toEqual(['luma', 'hunyuan']);
  });

  it('tries only allowed providers the worker is configured for', () => {
    const plan = planProviders(plain({ allowedProviders: ['veo', 'luma'] }), defaultCatalogue, ['runway', 'luma']);
    expect(keys(plan)).toEqual(['luma']);
  });

  it('fails planning when none of the allowed providers is configured, naming both lists', () => {
    const plan = () =>
      planProviders(plain({ allowedProviders: ['veo', 'hailuo'] }), defaultCatalogue, ['runway', 'kling']);
    expect(plan).toThrow(PlanError);
    expect(plan).toThrow(
      'none of allowedProviders (veo, hailuo) is configured on the worker (configured: runway, kling)',
    );
  });

  it('fails planning when no provider is configured, naming the keys to set', () => {
    expect(() => planProviders(plain(), defaultCatalogue, [])).toThrow(
      new PlanError('no provider is configured on the worker (set PIAPI_API_KEY and/or RUNWAY_API_KEY)'),
    );
  });

  it('refuses unknown provider names in the allowed list and the preference before anything else', () => {
    const plan = () =>
      planProviders(plain({ allowedProviders: ['kling', 'sora'], preferredProvider: 'pika' }), defaultCatalogue, []);
    expect(plan).toThrow(PlanError);
    expect(plan).toThrow(
      'unknown provider(s): sora, pika; the catalogue has runway, kling, luma, hailuo, hunyuan, veo',
    );
  });
});

describe('planning: no provider able', () => {
  it('names the aspect ratio when no candidate can render it', () => {
    const plan = () => planProviders(plain({ aspectRatio: '1:1' }), defaultCatalogue, ['runway', 'veo', 'hailuo']);
    expect(plan).toThrow(new PlanError('no configured provider can render aspect ratio 1:1'));
    expect(() => planProviders(scene(long, { aspectRatio: '9:16' }), defaultCatalogue, ['hailuo'])).toThrow(
      new PlanError('no configured provider can render aspect ratio 9:16'),
    );
  });

  it('otherwise names each provider and why it cannot, in ranking order, and what to do', () => {
    const plan = () =>
      planProviders(
        scene(long, { aspectRatio: '9:16', allowedProviders: ['hunyuan', 'hailuo'] }),
        defaultCatalogue,
        all,
      );
    expect(plan).toThrow(
      new PlanError(
        'no configured provider can take this scene (hailuo cannot render 9:16; hunyuan the prompt has 1500 ' +
          'characters and Hunyuan Video accepts at most 1000); shorten the prompt, change the duration or allow another provider',
      ),
    );
  });
});

describe('planning: a model that renders only from an input image', () => {
  const turbo = catalogueEntrySchema.parse({
    ...defaultEntries.find((p) => p.key === 'runway')!,
    key: 'turbo',
    displayName: 'Runway Gen-4 Turbo',
    model: 'gen4_turbo',
    priority: 0,
  });
  const catalogue = [turbo, ...defaultCatalogue];

  it('is skipped with the reason for a scene without imageUrl, instead of failing at create', () => {
    const plan = planProviders(plain(), catalogue, ['turbo', 'kling']);
    expect(keys(plan)).toEqual(['kling']);
    expect(lastReason(plan, 'turbo')).toBe('skipped: Runway Gen-4 Turbo renders only from an input image (imageUrl)');
  });

  it('is tried first for a scene with one', () => {
    const plan = planProviders(plain({ imageUrl: 'https://images.example.com/a.png' }), catalogue, ['turbo', 'kling']);
    expect(keys(plan)).toEqual(['turbo', 'kling']);
  });

  it('is not the provider a longer scene without an image is kept for (the duration gap)', () => {
    const plan = planProviders(
      plain({ durationSec: 10, allowedProviders: ['turbo', 'luma'] }),
      catalogue,
      all.concat('turbo'),
    );
    expect(keys(plan)).toEqual(['luma']);
  });
});
