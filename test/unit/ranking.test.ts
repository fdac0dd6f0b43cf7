import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { selectProvidersForScene } from '../../src/config/providers';
import { rankProvidersForScene } from '../../src/domain/ranking';

const all = ['runway', 'kling', 'luma', 'hailuo', 'hunyuan', 'veo'];

describe('selectProvidersForScene (original scoring)', () => {
  it.each([
    ['hook', 'A bold opening shot of a city at dawn', 'runway'],
    ['testimonial', 'A customer describes her experience', 'kling'],
    ['cta', 'Logo with a call to action', 'runway'],
    ['product', 'The gadget on a white table', 'luma'],
    ['explanation', 'Diagram of how the app works', 'hailuo'],
    ['broll', 'Office life in the afternoon', 'hailuo'],
  ])('%s → %s first', (sceneType, prompt, expected) => {
    expect(selectProvidersForScene(sceneType, prompt, all)[0]).toBe(expected);
  });

  it('scores exactly as the original design', () => {
    const ranking = rankProvidersForScene(defaultCatalogue, 'testimonial', 'A smiling woman talking to camera', all);
    const scores = Object.fromEntries(ranking.map((r) => [r.provider, r.score]));
    // kling: 90 + 50 strength + 30 person words; runway/veo: +30 "camera"; luma/hailuo/hunyuan: base only.
    expect(scores).toEqual({ kling: 170, runway: 120, veo: 110, luma: 80, hailuo: 70, hunyuan: 60 });
    expect(ranking.map((r) => r.provider)).toEqual(['kling', 'runway', 'veo', 'luma', 'hailuo', 'hunyuan']);
    expect(ranking[0]!.reasons).toEqual([
      'base 90 (priority 1)',
      '+50 strength "testimonial"',
      '+30 prompt mentions "woman", "talking", "smiling"',
    ]);
  });

  it('matches keywords as whole words, case-insensitively, with "slow motion" and "slow-motion" alike', () => {
    const manager = rankProvidersForScene(defaultCatalogue, 'broll', 'A MANAGER at her desk', ['kling']);
    expect(manager[0]!.score).toBe(90);
    const man = rankProvidersForScene(defaultCatalogue, 'broll', 'A Man at his desk', ['kling']);
    expect(man[0]!.score).toBe(120);
    for (const prompt of ['waves in slow motion', 'waves in Slow-Motion', 'waves in slow  motion']) {
      expect(rankProvidersForScene(defaultCatalogue, 'broll', prompt, ['runway'])[0]!.score).toBe(120);
    }
    expect(rankProvidersForScene(defaultCatalogue, 'broll', 'slowmotion waves', ['runway'])[0]!.score).toBe(90);
  });

  it('keeps catalogue order on ties and returns only configured providers', () => {
    // runway and kling both score 90 with no strength or keyword: catalogue order decides.
    expect(selectProvidersForScene('unknown', 'plain text', ['kling', 'runway'])).toEqual(['runway', 'kling']);
    expect(selectProvidersForScene('hook', 'epic', ['luma', 'hailuo'])).toEqual(['luma', 'hailuo']);
    expect(selectProvidersForScene('hook', 'epic', [])).toEqual([]);
    expect(selectProvidersForScene('hook', 'epic', ['nope'])).toEqual([]);
  });

  it('is deterministic', () => {
    const a = selectProvidersForScene('product', 'bottle reveal in a forest', all);
    expect(selectProvidersForScene('product', 'bottle reveal in a forest', [...all].reverse())).toEqual(a);
  });
});
