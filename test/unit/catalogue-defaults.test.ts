import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';

/**
 * The default catalogue as it was written before capabilities moved to src/providers/<route>/models.ts, and as every
 * run recorded it in history. The merged catalogue must stay exactly this, down to the order of the fields.
 */
const before = [
  {
    key: 'runway',
    displayName: 'Runway Gen-4.5',
    route: 'runway',
    model: 'gen4.5',
    maxDurationSec: 10,
    allowedDurationsSec: [2, 3, 4, 5, 6, 7, 8, 9, 10],
    aspectRatios: ['16:9', '9:16'],
    costPerSecondUsd: 0.12,
    maxCostPerSecondUsd: 0.12,
    maxPromptChars: 1000,
    billing: 'success_or_moderated',
    strengths: ['hook', 'cta', 'cinematic', 'dramatic', 'emotional'],
    promptBoosts: [
      {
        keywords: ['cinematic', 'dramatic', 'camera', 'slow motion', 'sweeping', 'epic'],
        points: 30,
      },
    ],
    priority: 1,
  },
  {
    key: 'kling',
    displayName: 'Kling AI',
    route: 'piapi',
    model: 'kling',
    taskType: 'video_generation',
    options: {
      version: '2.6',
      mode: 'std',
    },
    maxDurationSec: 10,
    allowedDurationsSec: [5, 10],
    aspectRatios: ['16:9', '9:16', '1:1'],
    costPerSecondUsd: 0.1,
    maxCostPerSecondUsd: 0.2,
    maxPromptChars: 2500,
    billing: 'success_only',
    strengths: ['testimonial', 'lifestyle', 'human', 'expressions', 'story', 'face'],
    promptBoosts: [
      {
        keywords: ['person', 'woman', 'man', 'face', 'expression', 'talking', 'smiling', 'people'],
        points: 30,
      },
    ],
    priority: 1,
  },
  {
    key: 'luma',
    displayName: 'Luma Dream Machine',
    route: 'piapi',
    model: 'luma',
    taskType: 'video_generation',
    maxDurationSec: 5,
    allowedDurationsSec: [5],
    aspectRatios: ['16:9', '9:16', '1:1'],
    costPerSecondUsd: 0.04,
    maxCostPerSecondUsd: 0.04,
    billing: 'success_only',
    strengths: ['product', 'reveal', 'camera-motion', 'dynamic', 'brand'],
    promptBoosts: [
      {
        keywords: ['product', 'reveal', 'bottle', 'package', 'zoom', 'showcase'],
        points: 30,
      },
    ],
    priority: 2,
  },
  {
    key: 'hailuo',
    displayName: 'Hailuo (MiniMax)',
    route: 'piapi',
    model: 'hailuo',
    taskType: 'video_generation',
    maxDurationSec: 6,
    allowedDurationsSec: [6],
    aspectRatios: ['16:9'],
    costPerSecondUsd: 0.03333333333333333,
    maxCostPerSecondUsd: 0.03333333333333333,
    maxPromptChars: 2000,
    billing: 'success_only',
    strengths: ['broll', 'nature', 'abstract', 'supplementary', 'explanation'],
    promptBoosts: [
      {
        keywords: ['nature', 'forest', 'sky', 'abstract', 'background', 'environment'],
        points: 20,
      },
    ],
    priority: 3,
  },
  {
    key: 'hunyuan',
    displayName: 'Hunyuan Video',
    route: 'piapi',
    model: 'Qubico/hunyuan',
    taskType: 'txt2video',
    maxDurationSec: 5,
    allowedDurationsSec: [5],
    aspectRatios: ['16:9', '9:16', '1:1'],
    costPerSecondUsd: 0.018,
    maxCostPerSecondUsd: 0.018,
    maxPromptChars: 1000,
    billing: 'success_only',
    strengths: ['broll', 'nature', 'abstract'],
    promptBoosts: [
      {
        keywords: ['nature', 'forest', 'sky', 'abstract', 'background', 'environment'],
        points: 20,
      },
    ],
    priority: 4,
  },
  {
    key: 'veo',
    displayName: 'Veo 3.1',
    route: 'piapi',
    model: 'veo3.1',
    taskType: 'veo3.1-video-fast',
    maxDurationSec: 8,
    allowedDurationsSec: [4, 6, 8],
    aspectRatios: ['16:9', '9:16'],
    costPerSecondUsd: 0.06,
    maxCostPerSecondUsd: 0.12,
    billing: 'success_only',
    strengths: ['cinematic', 'high-quality', 'dramatic'],
    promptBoosts: [
      {
        keywords: ['cinematic', 'dramatic', 'camera', 'slow motion', 'sweeping', 'epic'],
        points: 30,
      },
    ],
    priority: 2,
  },
];

describe('the default catalogue, capabilities merged in', () => {
  it('equals the entries written before the move, field for field', () => {
    expect(defaultCatalogue).toStrictEqual(before);
  });

  it('serializes byte for byte as before, so the setup recorded in history is unchanged', () => {
    expect(JSON.stringify(defaultCatalogue)).toBe(JSON.stringify(before));
  });
});
