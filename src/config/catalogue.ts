import { z } from 'zod';

export const aspectRatios = ['16:9', '9:16', '1:1'] as const;
export const aspectRatioSchema = z.enum(aspectRatios);
export type AspectRatio = z.infer<typeof aspectRatioSchema>;

export const providerKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'a provider key is lower-case letters, digits and dashes, starting with a letter');

/** Who pays for what: some providers refund failed tasks, Runway charges moderated generations like successful ones. */
export const billingRuleSchema = z.enum(['success_only', 'success_or_moderated', 'always']);
export type BillingRule = z.infer<typeof billingRuleSchema>;

export const promptBoostSchema = z.object({
  keywords: z.array(z.string().min(1)).min(1),
  points: z.number(),
});

export const providerConfigSchema = z
  .object({
    key: providerKeySchema,
    displayName: z.string().min(1),
    route: z.enum(['runway', 'piapi']),
    model: z.string().min(1),
    taskType: z.string().min(1).optional(),
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    maxDurationSec: z.number().positive(),
    allowedDurationsSec: z.array(z.number().positive()).min(1),
    aspectRatios: z.array(aspectRatioSchema).min(1),
    costPerSecondUsd: z.number().nonnegative(),
    billing: billingRuleSchema,
    strengths: z.array(z.string().min(1)),
    promptBoosts: z.array(promptBoostSchema).default([]),
    priority: z.number().int().min(0),
  })
  .strict()
  .refine((p) => p.allowedDurationsSec.every((d) => d <= p.maxDurationSec), {
    message: 'every allowed duration must be ≤ maxDurationSec',
    path: ['allowedDurationsSec'],
  });
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

export const catalogueSchema = z
  .array(providerConfigSchema)
  .min(1)
  .refine((list) => new Set(list.map((p) => p.key)).size === list.length, { message: 'provider keys must be unique' });
export type Catalogue = z.infer<typeof catalogueSchema>;

const personWords = ['person', 'woman', 'man', 'face', 'expression', 'talking', 'smiling', 'people'];
const cinematicWords = ['cinematic', 'dramatic', 'camera', 'slow motion', 'sweeping', 'epic'];
const productWords = ['product', 'reveal', 'bottle', 'package', 'zoom', 'showcase'];
const natureWords = ['nature', 'forest', 'sky', 'abstract', 'background', 'environment'];

/** The six providers of the original design, with its priorities, prices, limits and strengths. */
export const defaultCatalogue: Catalogue = catalogueSchema.parse([
  {
    key: 'runway',
    displayName: 'Runway Gen-4.5',
    route: 'runway',
    model: 'gen4.5',
    maxDurationSec: 10,
    allowedDurationsSec: [2, 3, 4, 5, 6, 7, 8, 9, 10],
    aspectRatios: ['16:9', '9:16'],
    costPerSecondUsd: 0.05,
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
    maxDurationSec: 10,
    allowedDurationsSec: [5, 10],
    aspectRatios: ['16:9', '9:16', '1:1'],
    costPerSecondUsd: 0.03,
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
    maxDurationSec: 5,
    allowedDurationsSec: [5],
    aspectRatios: ['16:9', '9:16', '1:1'],
    costPerSecondUsd: 0.04,
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
    maxDurationSec: 6,
    allowedDurationsSec: [6],
    aspectRatios: ['16:9'],
    costPerSecondUsd: 0.02,
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
    maxDurationSec: 5,
    allowedDurationsSec: [5],
    aspectRatios: ['16:9', '9:16', '1:1'],
    costPerSecondUsd: 0.025,
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
    maxDurationSec: 8,
    allowedDurationsSec: [4, 6, 8],
    aspectRatios: ['16:9', '9:16'],
    costPerSecondUsd: 0.06,
    billing: 'success_only',
    strengths: ['cinematic', 'high-quality', 'dramatic'],
    promptBoosts: [{ keywords: cinematicWords, points: 30 }],
    priority: 2,
  },
]);
