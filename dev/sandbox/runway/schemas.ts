import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Request bodies of `POST /v1/image_to_video` and `/v1/text_to_video` (API version 2024-11-06), after the official
 * SDK's types: discriminated on `model`, unknown fields rejected. Runway validates with zod itself, so zod's issues
 * are what its 400 bodies carry.
 */

/** Runway fetches assets itself and refuses what it cannot fetch safely (docs: assets/inputs, troubleshooting). */
const assetUri = z.string().superRefine((uri, ctx) => {
  const problem = assetProblem(uri);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

function assetProblem(uri: string): string | undefined {
  if (uri.startsWith('data:'))
    return /^data:image\/(png|jpeg|webp);base64,/.test(uri) ? undefined : 'Invalid data URI.';
  if (uri.startsWith('runway://')) return undefined;
  if (uri.length > 2048) return 'URLs must be at most 2048 characters.';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'Invalid URL';
  }
  if (url.protocol !== 'https:') return 'Only HTTPS URLs are allowed.';
  if (isIP(url.hostname.replace(/^\[|\]$/g, ''))) return 'URLs must be hosted on a domain.';
  return undefined;
}

const promptImage = <P extends string>(positions: readonly [P, ...P[]]) =>
  z.union([
    assetUri,
    z
      .array(z.strictObject({ uri: assetUri, position: z.enum(positions) }))
      .min(1)
      .refine(
        (frames) => frames.some((f) => f.position === 'first'),
        'Generating with only a last frame is not supported',
      ),
  ]);

const promptText = z.string().min(1).max(1000);
const seed = z.number().int().min(0).max(4_294_967_295);
const contentModeration = z.strictObject({ publicFigureThreshold: z.enum(['auto', 'low']).optional() });
const gen4Ratio = z.enum(['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672']);
const veoRatio = z.enum(['1280:720', '720:1280', '1080:1920', '1920:1080']);
const gen45Duration = z.number().int().min(2).max(10);
const veo31Duration = z.union([z.literal(4), z.literal(6), z.literal(8)]);
const veo31Models = z.enum(['veo3.1', 'veo3.1_fast']);

export const imageToVideoBody = z.discriminatedUnion('model', [
  z.strictObject({
    model: z.literal('gen4_turbo'),
    promptImage: promptImage(['first']),
    ratio: gen4Ratio,
    // The SDK types say `number`; older SDKs allowed 5 | 10, third parties report 2-10.
    duration: gen45Duration.optional(),
    promptText: promptText.optional(),
    contentModeration: contentModeration.optional(),
    seed: seed.optional(),
  }),
  z.strictObject({
    model: z.literal('gen4.5'),
    promptImage: promptImage(['first']),
    promptText,
    ratio: gen4Ratio,
    duration: gen45Duration,
    contentModeration: contentModeration.optional(),
    seed: seed.optional(),
  }),
  z.strictObject({
    model: z.literal('veo3'),
    promptImage: promptImage(['first']),
    ratio: veoRatio,
    duration: z.literal(8),
    promptText: promptText.optional(),
    negativePrompt: z.string().optional(),
  }),
  z.strictObject({
    model: veo31Models,
    promptImage: promptImage(['first', 'last']),
    ratio: veoRatio,
    duration: veo31Duration.optional(),
    audio: z.boolean().optional(),
    promptText: promptText.optional(),
    negativePrompt: z.string().optional(),
  }),
]);

export const textToVideoBody = z.discriminatedUnion('model', [
  z.strictObject({
    model: z.literal('gen4.5'),
    promptText,
    ratio: z.enum(['1280:720', '720:1280']),
    duration: gen45Duration,
    contentModeration: contentModeration.optional(),
    seed: seed.optional(),
  }),
  z.strictObject({
    model: z.literal('veo3'),
    promptText,
    ratio: veoRatio,
    duration: z.literal(8),
    negativePrompt: z.string().optional(),
  }),
  z.strictObject({
    model: veo31Models,
    promptText,
    ratio: veoRatio,
    duration: veo31Duration.optional(),
    audio: z.boolean().optional(),
    negativePrompt: z.string().optional(),
  }),
]);

export type RunwayCreateBody = z.output<typeof imageToVideoBody> | z.output<typeof textToVideoBody>;

/** Models the emulator knows, for `GET /v1/organization`. */
export const runwayModels = ['gen4_turbo', 'gen4.5', 'veo3', 'veo3.1', 'veo3.1_fast'] as const;

/** Seconds rendered when the request leaves `duration` out; 10 for gen4_turbo follows its older documented default. */
export function defaultDuration(model: RunwayCreateBody['model']): number {
  return model === 'gen4_turbo' ? 10 : 8;
}
