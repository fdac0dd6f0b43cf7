import { z } from 'zod';
import { catalogueSchema, type Catalogue } from '../contract/catalogue';
import { requestPrice } from '../providers/routes';
import { catalogueEntrySchema, type CatalogueEntry } from './catalogue-entry';

const personWords = ['person', 'woman', 'man', 'face', 'expression', 'talking', 'smiling', 'people'];
const cinematicWords = ['cinematic', 'dramatic', 'camera', 'slow motion', 'sweeping', 'epic'];
const productWords = ['product', 'reveal', 'bottle', 'package', 'zoom', 'showcase'];
const natureWords = ['nature', 'forest', 'sky', 'abstract', 'background', 'environment'];

/**
 * A default entry priced from its model's facts (src/providers/<route>/models.ts, with sources): the estimate is the
 * published price of the exact request the entry sends, the worst case (`maxCostPerSecondUsd`) the dearest it could be
 * billed at. A clip more than 3 s off the scene's duration skips the provider: a 5 s clip for a 10 s scene, or an
 * 8 s one for 3 s, is not the scene asked for, while 3 s is what the coarsest duration lists (5/10 s, 6/10 s) need to
 * keep a provider for the durations between them.
 */
function priced(entry: Omit<CatalogueEntry, 'costPerSecondUsd' | 'maxCostPerSecondUsd'>): CatalogueEntry {
  const { costPerSecondUsd, maxCostPerSecondUsd } = requestPrice(entry);
  return { ...entry, costPerSecondUsd, maxCostPerSecondUsd, maxDurationGapSec: 3 };
}

/**
 * The six providers of the original design, with its priorities, limits and strengths; prices, durations, aspect
 * ratios and prompt limits are the models' facts.
 */
export const defaultEntries: readonly CatalogueEntry[] = [
  priced({
    key: 'runway',
    displayName: 'Runway Gen-4.5',
    route: 'runway',
    model: 'gen4.5',
    billing: 'success_or_moderated',
    strengths: ['hook', 'cta', 'cinematic', 'dramatic', 'emotional'],
    promptBoosts: [{ keywords: cinematicWords, points: 30 }],
    priority: 1,
  }),
  priced({
    key: 'kling',
    displayName: 'Kling AI',
    route: 'piapi',
    model: 'kling',
    taskType: 'video_generation',
    options: { version: '2.6', mode: 'std' },
    billing: 'success_only',
    strengths: ['testimonial', 'lifestyle', 'human', 'expressions', 'story', 'face'],
    promptBoosts: [{ keywords: personWords, points: 30 }],
    priority: 1,
  }),
  priced({
    key: 'luma',
    displayName: 'Luma Dream Machine',
    route: 'piapi',
    model: 'luma',
    taskType: 'video_generation',
    // The original design's limit, narrower than the model's 5 and 10 s: its price is inferred from a 5 s task only.
    allowedDurationsSec: [5],
    billing: 'success_only',
    strengths: ['product', 'reveal', 'camera-motion', 'dynamic', 'brand'],
    promptBoosts: [{ keywords: productWords, points: 30 }],
    priority: 2,
  }),
  priced({
    key: 'hailuo',
    displayName: 'Hailuo (MiniMax)',
    route: 'piapi',
    model: 'hailuo',
    taskType: 'video_generation',
    // Without it the entry is sent the documented 01 request (src/providers/piapi/models.ts says why).
    options: { model: 'v2.3' },
    billing: 'success_only',
    strengths: ['broll', 'nature', 'abstract', 'supplementary', 'explanation'],
    promptBoosts: [{ keywords: natureWords, points: 20 }],
    priority: 3,
  }),
  priced({
    key: 'hunyuan',
    displayName: 'Hunyuan Video',
    route: 'piapi',
    model: 'Qubico/hunyuan',
    taskType: 'txt2video',
    billing: 'success_only',
    strengths: ['broll', 'nature', 'abstract'],
    promptBoosts: [{ keywords: natureWords, points: 20 }],
    priority: 4,
  }),
  priced({
    key: 'veo',
    displayName: 'Veo 3.1',
    route: 'piapi',
    model: 'veo3.1',
    taskType: 'veo3.1-video-fast',
    billing: 'success_only',
    strengths: ['cinematic', 'high-quality', 'dramatic'],
    promptBoosts: [{ keywords: cinematicWords, points: 30 }],
    priority: 2,
  }),
];

/** The default entries with their models' capabilities merged in: the catalogue a worker uses without a file. */
export const defaultCatalogue: Catalogue = catalogueSchema.parse(z.array(catalogueEntrySchema).parse(defaultEntries));
