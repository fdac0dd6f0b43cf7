import type { ModelCapabilities } from '../capabilities';

const anyRatio = ['16:9', '9:16', '1:1'] as const;

/** The models this client builds requests for, with what each renders (sources: piapi-api.md). */
export const piapiModels = {
  // prompt: maxLength 2500 (Kling create-task OpenAPI export, piapi-api.md §6.1).
  // Cancel: piapi.ai/docs/kling-api/cancel-task, pending tasks only (piapi-api.md §5).
  kling: { durationsSec: [5, 10], aspectRatios: anyRatio, maxPromptChars: 2500, cancel: 'while-queued' },
  // With a key frame Luma renders only 5 s (PiAPI MCP).
  // Cancel: piapi.ai/docs/dream-machine/cancel-task, pending tasks only (piapi-api.md §5).
  luma: { durationsSec: [5, 10], imageDurationsSec: [5], aspectRatios: anyRatio, cancel: 'while-queued' },
  // Hailuo 01 renders 6 s and takes no aspect ratio: text-to-video is always landscape, image-to-video follows the
  // image. prompt ≤ 2000 characters (piapi.ai/docs/hailuo-api/generate-video; piapi-api.md §6.3).
  // No cancel page for Hailuo, Hunyuan or Veo (piapi-api.md §5): their abandoned tasks render on.
  hailuo: {
    durationsSec: [6],
    aspectRatios: ['16:9'],
    imageAspectRatios: anyRatio,
    maxPromptChars: 2000,
    cancel: 'none',
  },
  // prompt ≤ 1000 characters (qubico.ai docs, piapi-api.md §6.4).
  'Qubico/hunyuan': { durationsSec: [5], aspectRatios: anyRatio, maxPromptChars: 1000, cancel: 'none' },
  'veo3.1': { durationsSec: [4, 6, 8], aspectRatios: ['16:9', '9:16'], cancel: 'none' },
} as const satisfies Record<string, ModelCapabilities>;

export type PiapiModel = keyof typeof piapiModels;

export function isPiapiModel(model: string): model is PiapiModel {
  return Object.hasOwn(piapiModels, model);
}
