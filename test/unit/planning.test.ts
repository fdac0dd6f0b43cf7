import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { planProviders, PlanError, promptLimitReason } from '../../src/domain/planning';
import type { ValidSceneInput } from '../../src/contract/scene-input';

const all = defaultCatalogue.map((p) => p.key);
const scene = (prompt: string, extra: Partial<ValidSceneInput> = {}): ValidSceneInput => ({
  sceneId: 's',
  sceneType: 'hook',
  prompt,
  negativePrompt: 'blurry',
  durationSec: 5,
  aspectRatio: '16:9',
  polling: { intervalMs: 5_000, providerDeadlineMs: 600_000 },
  ...extra,
});

describe('prompt limits in planning', () => {
  const long = 'a'.repeat(1_500);

  it('skips Runway and Hunyuan for a 1,500-character prompt, with the reason in the ranking', () => {
    const plan = planProviders(scene(long), defaultCatalogue, all);
    expect(plan.order.map((p) => p.key)).toEqual(['kling', 'luma', 'veo', 'hailuo']);
    const runway = plan.ranking.find((r) => r.provider === 'runway')!;
    expect(runway.reasons.at(-1)).toBe(
      'skipped: the prompt has 1500 characters and Runway Gen-4.5 accepts at most 1000',
    );
    expect(plan.ranking.find((r) => r.provider === 'hunyuan')!.reasons.at(-1)).toMatch(/accepts at most 1000/);
  });

  it('counts UTF-16 code units, as Runway does', () => {
    const runway = defaultCatalogue.find((p) => p.key === 'runway')!;
    expect(promptLimitReason(runway, '😀'.repeat(500))).toBeUndefined(); // 1,000 units
    expect(promptLimitReason(runway, '😀'.repeat(501))).toMatch(/1002 characters/);
  });

  it('leaves a prompt at the limit alone, and plans as before over a catalogue recorded before limits existed', () => {
    expect(planProviders(scene('a'.repeat(1_000)), defaultCatalogue, all).order[0]!.key).toBe('runway');
    const recordedBefore = defaultCatalogue.map(({ maxPromptChars: _, ...p }) => p);
    expect(planProviders(scene(long), recordedBefore, all).order[0]!.key).toBe('runway');
  });

  it('fails planning, naming each provider and what to do, when no allowed provider takes the prompt', () => {
    expect(() =>
      planProviders(scene(long, { allowedProviders: ['runway', 'hunyuan'] }), defaultCatalogue, all),
    ).toThrow(PlanError);
    expect(() =>
      planProviders(scene(long, { allowedProviders: ['runway', 'hunyuan'] }), defaultCatalogue, all),
    ).toThrow(/runway the prompt has 1500 characters.*shorten the prompt or allow another provider/);
  });
});
