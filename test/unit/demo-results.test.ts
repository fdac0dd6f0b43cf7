import { describe, expect, it } from 'vitest';
import { clipCheck, resultsTable } from '../../dev/demo/results';
import type { Mp4Info } from '../../dev/sandbox';
import type { Palette } from '../../src/cli/output';
import type { SceneVideoResult } from '../../src/contract/scene-workflow';

const plain: Palette = { bold: String, dim: String, green: String, red: String, yellow: String };

const clip: Mp4Info = {
  boxes: [],
  majorBrand: 'isom',
  compatibleBrands: ['isom'],
  timescale: 1000,
  durationSec: 5,
  tracks: [
    { trackId: 2, handler: 'soun', width: 0, height: 0, sampleEntries: ['mp4a'], durationSec: 5 },
    { trackId: 1, handler: 'vide', width: 160, height: 90, sampleEntries: ['avc1'], durationSec: 5 },
  ],
};

const attempt = (provider: string, costUsd: number) => ({
  provider,
  state: 'succeeded' as const,
  startedAt: '2026-12-05T10:00:00.000Z',
  costUsd,
});

const detail: SceneVideoResult = {
  sceneId: 'hook',
  provider: 'kling',
  s3Key: 'ai-videos/demo/hook.mp4',
  providerVideoUrl: 'http://127.0.0.1/v.mp4',
  stored: true,
  durationSec: 5,
  totalCostUsd: 0.15,
  costByProvider: { runway: 0, kling: 0.15 },
  attempts: [{ ...attempt('runway', 0), state: 'failed' }, attempt('kling', 0.15)],
  generationTimeMs: 12_340,
};

describe('the demo results', () => {
  it('names the stored clip by its video track and its length in seconds', () => {
    expect(clipCheck(clip)).toBe('✓ MP4 160x90 5.0 s');
  });

  it('shows one row per scene with the fallback chain, and the units in the headers', () => {
    const text = resultsTable(
      [
        {
          scene: {
            sceneId: 'hook',
            sceneType: 'hook',
            workflowId: 'w1',
            phase: 'succeeded',
            provider: 'kling',
            s3Key: detail.s3Key,
            costUsd: 0.15,
          },
          detail,
          clip,
        },
        {
          scene: {
            sceneId: 'cta',
            sceneType: 'cta',
            workflowId: 'w2',
            phase: 'failed',
            costUsd: 0,
            error: 'every provider failed',
          },
        },
      ],
      plain,
    );
    expect(text.split('\n')).toEqual([
      'SCENE  OUTCOME    PROVIDER  ATTEMPTS            COST (USD)  TIME (s)  S3 KEY / REASON          STORED CLIP',
      'hook   succeeded  kling     2 (runway → kling)      0.1500      12.3  ai-videos/demo/hook.mp4  ✓ MP4 160x90 5.0 s',
      'cta    failed                                       0.0000            every provider failed',
    ]);
  });
});
