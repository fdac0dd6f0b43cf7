import { z } from 'zod';
import { providerRoutes } from './provider-task';

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

/**
 * A provider as the workflows see it, recorded in history with each run's setup: the catalogue entry's business fields
 * with its model's capabilities (durations, aspect ratios, prompt limit) merged in by the worker.
 */
export const providerFieldsSchema = z
  .object({
    key: providerKeySchema,
    displayName: z.string().min(1),
    route: z.enum(providerRoutes),
    model: z.string().min(1),
    taskType: z.string().min(1).optional(),
    options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    maxDurationSec: z.number().positive(),
    allowedDurationsSec: z.array(z.number().positive()).min(1),
    aspectRatios: z.array(aspectRatioSchema).min(1),
    /** The catalogue estimate: what one second of requested output usually costs. */
    costPerSecondUsd: z.number().nonnegative(),
    /**
     * The most the provider may bill per second of requested output for the request this catalogue entry sends (its
     * dearest documented price for the model). Budgets reserve this worst case, not the estimate, before an attempt
     * starts. Defaults to `costPerSecondUsd` when omitted.
     */
    maxCostPerSecondUsd: z.number().nonnegative().optional(),
    /**
     * The longest prompt the provider accepts, in UTF-16 code units (JavaScript string length). A longer prompt skips
     * the provider at planning, with the reason, instead of failing at create.
     */
    maxPromptChars: z.number().int().positive().optional(),
    /**
     * The model renders only from an input image (Runway `gen4_turbo`): a scene without `imageUrl` skips the provider
     * at planning, with the reason, instead of failing at create. Unset in every catalogue recorded before the field.
     */
    needsImage: z.literal(true).optional(),
    /**
     * How far, in seconds, the clip the provider would render (the duration it is asked for: its largest allowed
     * duration ≤ the scene's, else its shortest) may be from the scene's duration; a provider further off is skipped at
     * planning, with the reason. Unset: never skipped for its duration (every catalogue recorded before the field).
     */
    maxDurationGapSec: z.number().nonnegative().optional(),
    /**
     * The most tasks the whole fleet (every worker on the task queue) may have in flight at this entry at once; a scene
     * past it waits its turn at the entry's provider gate, holding no activity slot. Unset: no limit.
     */
    maxInFlight: z.number().int().positive().optional(),
    billing: billingRuleSchema,
    strengths: z.array(z.string().min(1)),
    promptBoosts: z.array(promptBoostSchema).default([]),
    priority: z.number().int().min(0),
  })
  .strict();

export const providerConfigSchema = providerFieldsSchema
  .refine((p) => p.allowedDurationsSec.every((d) => d <= p.maxDurationSec), {
    message: 'every allowed duration must be ≤ maxDurationSec',
    path: ['allowedDurationsSec'],
  })
  .refine((p) => p.maxCostPerSecondUsd === undefined || p.maxCostPerSecondUsd >= p.costPerSecondUsd, {
    message: 'the worst-case price must be ≥ costPerSecondUsd (set both when you change the price)',
    path: ['maxCostPerSecondUsd'],
  });
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

export const catalogueSchema = z
  .array(providerConfigSchema)
  .min(1)
  .refine((list) => new Set(list.map((p) => p.key)).size === list.length, { message: 'provider keys must be unique' });
export type Catalogue = z.infer<typeof catalogueSchema>;
