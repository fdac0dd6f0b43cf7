import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { catalogueSchema } from '../../src/contract/catalogue';
import { selectProvidersForScene } from '../../src/config/providers';
import { rankProvidersForScene } from '../../src/domain/ranking';

const all = ['runway', 'kling', 'luma', 'hailuo', 'hunyuan', 'veo'];
/** One provider's score for a scene; runway and kling start at 90 (priority 1), luma at 80 (priority 2). */
const score = (key: string, sceneType: string, prompt: string) =>
  rankProvidersForScene(defaultCatalogue, sceneType, prompt, [key])[0]!.score;

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

describe('rankProvidersForScene', () => {
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

  it('starts every provider at 100 − 10 × its catalogue priority', () => {
    for (const p of defaultCatalogue) {
      expect(rankProvidersForScene(defaultCatalogue, 'unknown', 'plain text', [p.key])).toEqual([
        {
          provider: p.key,
          score: 100 - 10 * p.priority,
          reasons: [`base ${100 - 10 * p.priority} (priority ${p.priority})`],
        },
      ]);
    }
  });

  it('adds 50 for a strength equal to the scene type, trimmed and case-insensitive, never for a part of it', () => {
    expect(rankProvidersForScene(defaultCatalogue, ' HOOK ', 'plain text', ['runway'])[0]!.reasons).toEqual([
      'base 90 (priority 1)',
      '+50 strength "hook"',
    ]);
    expect(score('runway', ' HOOK ', 'plain text')).toBe(140);
    expect(score('runway', 'hooks', 'plain text')).toBe(90);
    expect(score('luma', 'camera', 'plain text')).toBe(80); // luma's strength is "camera-motion"
  });

  it('matches keywords as whole words, case-insensitively, with "slow motion" and "slow-motion" alike', () => {
    expect(score('kling', 'broll', 'A MANAGER at her desk')).toBe(90);
    expect(score('kling', 'broll', 'A Man at his desk')).toBe(120);
    for (const prompt of ['waves in slow motion', 'waves in Slow-Motion', 'waves in slow  motion', 'slow\tmotion'])
      expect(score('runway', 'broll', prompt), prompt).toBe(120);
    expect(score('runway', 'broll', 'slowmotion waves')).toBe(90);
  });

  it('finds keywords at either end and beside punctuation, never inside another word or beside a digit', () => {
    for (const prompt of ['Camera pans', 'pans the camera', 'an (epic), sweeping shot.'])
      expect(score('runway', 'broll', prompt), prompt).toBe(120);
    for (const prompt of ['cameras', 'épic', 'epic2', '2epic', 'slow motions', 'dramatically'])
      expect(score('runway', 'broll', prompt), prompt).toBe(90);
  });

  it('adds a group of keywords once however many of them match, and every group that matches', () => {
    expect(score('runway', 'broll', 'epic cinematic camera')).toBe(120);
    const runway = defaultCatalogue.find((p) => p.key === 'runway')!;
    const twoGroups = catalogueSchema.parse([
      {
        ...runway,
        promptBoosts: [
          { keywords: ['rain'], points: 5 },
          { keywords: ['slow-motion'], points: 7 },
        ],
      },
    ]);
    expect(rankProvidersForScene(twoGroups, 'broll', 'Rain in slow motion', ['runway'])).toEqual([
      {
        provider: 'runway',
        score: 90 + 5 + 7,
        reasons: ['base 90 (priority 1)', '+5 prompt mentions "rain"', '+7 prompt mentions "slow-motion"'],
      },
    ]);
  });
});
