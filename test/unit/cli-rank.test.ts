import { describe, expect, it } from 'vitest';
import { rankView, renderRankView } from '../../src/cli/commands/rank';
import { stripAnsi, type Palette } from '../../src/cli/output';
import { defaultCatalogue } from '../../src/config/catalogue';
import type { ValidSceneInput } from '../../src/contract/scene-input';
import { planProviders } from '../../src/domain/planning';

const all = defaultCatalogue.map((p) => p.key);
const scene = (extra: Partial<ValidSceneInput> = {}): ValidSceneInput => ({
  sceneId: 'rank',
  sceneType: 'hook',
  prompt: 'Cinematic sunrise',
  negativePrompt: 'blurry',
  durationSec: 5,
  aspectRatio: '16:9',
  polling: { intervalMs: 5_000, providerDeadlineMs: 600_000, queueDeadlineMs: 1_800_000 },
  ...extra,
});
const plain: Palette = { bold: String, dim: String, green: String, red: String, yellow: String };

describe('rank: the worker plan as the CLI shows it', () => {
  it("lists the planned order with each provider's fitted duration and catalogue estimate, and the skips", () => {
    const input = scene({ aspectRatio: '1:1', durationSec: 8, preferredProvider: 'luma' });
    const view = rankView(input, planProviders(input, defaultCatalogue, all));
    expect(view.order).toEqual([
      { provider: 'luma', durationSec: 5, estimateUsd: 0.2 },
      { provider: 'kling', durationSec: 5, estimateUsd: 0.2 },
      { provider: 'hunyuan', durationSec: 5, estimateUsd: 0.09 },
    ]);
    expect(view.skipped).toEqual([
      { provider: 'runway', reason: 'cannot render 1:1' },
      { provider: 'veo', reason: 'cannot render 1:1' },
      { provider: 'hailuo', reason: 'cannot render 1:1' },
    ]);
    expect(view.ranking.map((r) => r.provider)).toEqual(['runway', 'veo', 'kling', 'luma', 'hailuo', 'hunyuan']);
  });

  it('a duration below every allowed one asks for the smallest, and the estimate prices that', () => {
    const input = scene({ durationSec: 3, allowedProviders: ['hailuo', 'kling', 'veo'] });
    const view = rankView(input, planProviders(input, defaultCatalogue, all));
    expect(view.order).toEqual([
      { provider: 'kling', durationSec: 5, estimateUsd: 0.2 },
      { provider: 'hailuo', durationSec: 6, estimateUsd: 0.23 },
    ]);
    expect(view.skipped).toEqual([
      {
        provider: 'veo',
        reason: 'the scene lasts 3 s and Veo 3.1 would render 8 s (5 s off; the catalogue allows 3 s)',
      },
    ]);
  });

  it('a prompt over a provider limit skips it with the reason the plan gives', () => {
    const input = scene({ prompt: 'a'.repeat(1_500), allowedProviders: ['runway', 'kling'] });
    expect(rankView(input, planProviders(input, defaultCatalogue, all)).skipped).toEqual([
      { provider: 'runway', reason: 'the prompt has 1500 characters and Runway Gen-4.5 accepts at most 1000' },
    ]);
  });

  it('renders the tried providers numbered, then the skipped ones marked –', () => {
    const input = scene({ aspectRatio: '9:16', allowedProviders: ['hailuo', 'kling'] });
    const text = stripAnsi(renderRankView(input, rankView(input, planProviders(input, defaultCatalogue, all)), plain));
    expect(text.split('\n')).toEqual([
      'Providers the worker would try, in order, for a hook scene of 5 s at 9:16:',
      '#  PROVIDER  SCORE (points)  DURATION (s)  ESTIMATE (USD)  REASONS',
      '1  kling                 90             5          0.2000  base 90 (priority 1)',
      '–  hailuo                70                                base 70 (priority 3); skipped: cannot render 9:16',
    ]);
  });
});
