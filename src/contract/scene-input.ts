import { z } from 'zod';
import { aspectRatioSchema, providerKeySchema } from './catalogue';

export const defaultNegativePrompt = 'blurry, low quality, distorted, ugly, watermark, text';

/** Ids become workflow ids and S3 key segments: no path separators, no spaces, bounded length. */
export const businessIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

// Tab and newline are fine in a prompt; other control characters (C0, DEL and C1) are pasted garbage that providers
// reject or mangle.
// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// Whitespace and invisible format characters (zero-width space, word joiner) alone make no prompt.
const blank = /^[\s\p{Cf}]*$/u;

const promptText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !blank.test(s), 'must not be empty or whitespace only')
    .refine((s) => !controlChars.test(s), 'must not contain control characters');

/**
 * Half an hour behind the concurrency limit: at a low tier's 1–2 concurrent generations of 1–3 min each, about ten
 * scenes ahead of this one; a longer wait is better spent at the next provider.
 */
export const defaultQueueDeadlineMs = 30 * 60_000;

export const pollingOptionsSchema = z
  .object({
    intervalMs: z.number().int().min(100).max(300_000).default(5_000),
    providerDeadlineMs: z
      .number()
      .int()
      .min(1_000)
      .max(24 * 3_600_000)
      .default(10 * 60_000),
    /**
     * How long a task may wait behind the account's concurrency limit (Runway's THROTTLED), or a scene at its provider
     * gate for a slot, before the attempt moves on: counted apart from `providerDeadlineMs`, which measures the
     * provider's own work. A run whose input lacks it (prepared before the field existed) counts throttled time against
     * `providerDeadlineMs`, as it always did, and waits at a gate unbounded.
     */
    queueDeadlineMs: z
      .number()
      .int()
      .min(0)
      .max(24 * 3_600_000)
      .default(defaultQueueDeadlineMs),
  })
  .strict();

/** What follows an attempt a content moderation refused: the next provider tries the scene, or the scene ends. */
export const moderationActions = ['next-provider', 'fail-scene'] as const;

/**
 * What follows each moderation's refusal: `input` when the provider refused the prompt (or image) before rendering
 * (Runway's `SAFETY.INPUT.*`, or a create refused for content policy), `output` when it refused the rendered clip
 * (Runway's `SAFETY.OUTPUT.*`, and a moderation a provider does not place). `fail-scene` saves the next providers'
 * attempts at a prompt that is likely refused again; `next-provider` is the default for both.
 */
export const moderationPolicySchema = z
  .object({
    input: z.enum(moderationActions).default('next-provider'),
    output: z.enum(moderationActions).default('next-provider'),
  })
  .strict();

export type ModerationPolicy = z.infer<typeof moderationPolicySchema>;

export const sceneInputSchema = z
  .object({
    sceneId: businessIdSchema,
    projectId: businessIdSchema.optional(),
    sceneType: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(64, 'must be at most 64 characters')
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'use letters, digits, "_" or "-"'),
    prompt: promptText(2000),
    negativePrompt: promptText(1000).default(defaultNegativePrompt),
    durationSec: z
      .number({ error: 'must be a number of seconds' })
      .refine(Number.isFinite, 'must be a finite number')
      .refine((n) => n > 0, 'must be greater than 0')
      .refine((n) => n <= 60, 'must be at most 60 seconds'),
    aspectRatio: aspectRatioSchema,
    imageUrl: z
      .url({ protocol: /^https$/, error: 'must be an https URL' })
      .max(2048)
      .optional(),
    preferredProvider: providerKeySchema.optional(),
    allowedProviders: z.array(providerKeySchema).min(1, 'must name at least one provider when given').optional(),
    maxCostUsd: z
      .number()
      .refine(Number.isFinite, 'must be a finite number')
      .positive('must be greater than 0')
      .optional(),
    /** Absent (as in every run prepared before the field existed): each refusal moves on to the next provider. */
    moderation: moderationPolicySchema.optional(),
    polling: pollingOptionsSchema.default({
      intervalMs: 5_000,
      providerDeadlineMs: 10 * 60_000,
      queueDeadlineMs: defaultQueueDeadlineMs,
    }),
  })
  .strict();

export type SceneInput = z.input<typeof sceneInputSchema>;
export type ValidSceneInput = z.infer<typeof sceneInputSchema>;
