import { z } from 'zod';
import { catalogueSchema, type Catalogue } from '../contract/catalogue';
import { catalogueEntrySchema, type CatalogueEntry } from './catalogue-entry';

const personWords = ['person', 'woman', 'man', 'face', 'expression', 'talking', 'smiling', 'people'];
const cinematicWords = ['cinematic', 'dramatic', 'camera', 'slow motion', 'sweeping', 'epic'];
const productWords = ['product', 'reveal', 'bottle', 'package', 'zoom', 'showcase'];
const natureWords = ['nature', 'forest', 'sky', 'abstract', 'background', 'environment'];

/**
 * The six providers of the original design, with its priorities, limits and strengths. Prices are the published PAYG
 * prices of the request each entry sends, with their sources (`/work/shared/reference/*.md` collects them): the
 * estimate is the price of that exact request, the worst case (`maxCostPerSecondUsd`) the dearest documented price
 * the provider could bill it at. Durations, aspect ratios and prompt limits are the models' (src/providers/<route>/).
 */
export const defaultEntries: readonly CatalogueEntry[] = [
  {
    key: 'runway',
    displayName: 'Runway Gen-4.5',
    route: 'runway',
    model: 'gen4.5',
    // gen4.5: 12 credits per second of output at $0.01 per credit, flat (runway-api.md §8, from runwayml/skills
    // c5674fd and docs.dev.runwayml.com/guides/pricing). Was $0.05, the gen4_turbo rate: a 10 s clip billed $1.20
    // against an estimate of $0.50.
    costPerSecondUsd: 0.12,
    maxCostPerSecondUsd: 0.12,
    billing: 'success_or_moderated',
    strengths: ['hook', 'cta', 'cinematic', 'dramatic', 'emotional'],
    promptBoosts: [{ keywords: cinematicWords, points: 30 }],
    priority: 1,
  },
  {
    key: 'kling',
    displayName: 'Kling AI',
    route: 'piapi',
    model: 'kling',
    taskType: 'video_generation',
    options: { version: '2.6', mode: 'std' },
    // No published price for v2.6 std; $0.10/s is Kling's std (720p) price without audio, the nearest published
    // figure, and $0.20/s its dearest per-second price (1080p with audio); piapi.ai/docs/kling-api/kling-3-api
    // (2026-02), piapi-api.md §9. Was $0.03.
    costPerSecondUsd: 0.1,
    maxCostPerSecondUsd: 0.2,
    billing: 'success_only',
    strengths: ['testimonial', 'lifestyle', 'human', 'expressions', 'story', 'face'],
    promptBoosts: [{ keywords: personWords, points: 30 }],
    priority: 1,
  },
  {
    key: 'luma',
    displayName: 'Luma Dream Machine',
    route: 'piapi',
    model: 'luma',
    taskType: 'video_generation',
    // The original design's limit, narrower than the model's 5 and 10 s: the price below is known for 5 s only.
    allowedDurationsSec: [5],
    // No published figure: a documented 5 s ray-v2 task froze 2,000,000 units ≈ $0.20 (piapi.ai/docs/dream-machine,
    // 2026-01-07; piapi-api.md §9, inferred). Unchanged.
    costPerSecondUsd: 0.04,
    maxCostPerSecondUsd: 0.04,
    billing: 'success_only',
    strengths: ['product', 'reveal', 'camera-motion', 'dynamic', 'brand'],
    promptBoosts: [{ keywords: productWords, points: 30 }],
    priority: 2,
  },
  {
    key: 'hailuo',
    displayName: 'Hailuo (MiniMax)',
    route: 'piapi',
    model: 'hailuo',
    taskType: 'video_generation',
    // t2v-01 / i2v-01: $0.20 per generation, a 6 s clip (piapi.ai/docs/hailuo-api/generate-video; piapi-api.md §9).
    // Was $0.02/s ($0.12 a clip).
    costPerSecondUsd: 0.2 / 6,
    maxCostPerSecondUsd: 0.2 / 6,
    billing: 'success_only',
    strengths: ['broll', 'nature', 'abstract', 'supplementary', 'explanation'],
    promptBoosts: [{ keywords: natureWords, points: 20 }],
    priority: 3,
  },
  {
    key: 'hunyuan',
    displayName: 'Hunyuan Video',
    route: 'piapi',
    model: 'Qubico/hunyuan',
    taskType: 'txt2video',
    // txt2video and img2video-concat: $0.09 per video, a 5 s clip (third-party, citing GoAPI docs; piapi-api.md §9).
    // Was $0.025/s ($0.125 a clip).
    costPerSecondUsd: 0.09 / 5,
    maxCostPerSecondUsd: 0.09 / 5,
    billing: 'success_only',
    strengths: ['broll', 'nature', 'abstract'],
    promptBoosts: [{ keywords: natureWords, points: 20 }],
    priority: 4,
  },
  {
    key: 'veo',
    displayName: 'Veo 3.1',
    route: 'piapi',
    model: 'veo3.1',
    taskType: 'veo3.1-video-fast',
    // veo3.1-video-fast without audio (we send generate_audio: false): $0.06/s; the worst case is $0.12/s, the
    // no-audio price of veo3.1-video, in case the variant is billed as the full model
    // (piapi.ai/docs/veo31-api/text-to-video; piapi-api.md §9).
    costPerSecondUsd: 0.06,
    maxCostPerSecondUsd: 0.12,
    billing: 'success_only',
    strengths: ['cinematic', 'high-quality', 'dramatic'],
    promptBoosts: [{ keywords: cinematicWords, points: 30 }],
    priority: 2,
  },
];

/** The default entries with their models' capabilities merged in: the catalogue a worker uses without a file. */
export const defaultCatalogue: Catalogue = catalogueSchema.parse(z.array(catalogueEntrySchema).parse(defaultEntries));
