import type { ModelCapabilities } from '../capabilities';

/** A Runway model: what it renders, and which request fields it takes. */
export interface RunwayModel extends ModelCapabilities {
  /** Whether image-to-video takes a prompt-less request. */
  promptOptionalWithImage: boolean;
  seed: boolean;
  negativePrompt: boolean;
  audio: boolean;
}

/** promptText: "up to 1000 characters (measured in UTF-16 code units)" (official SDK, runway-api.md §4.3). */
const maxPromptChars = 1000;
/** "Tasks that are running, pending, or throttled can be canceled" (official SDK `tasks.ts`, runway-api.md §6). */
const cancel = 'until-finished';
const landscapeOrPortrait = ['16:9', '9:16'] as const;
/** 960:960 exists only for image-to-video on the gen4 models. */
const squareWithImage = { imageAspectRatios: ['16:9', '9:16', '1:1'] } as const;

const veo31: RunwayModel = {
  durationsSec: [4, 6, 8],
  aspectRatios: landscapeOrPortrait,
  maxPromptChars,
  cancel,
  promptOptionalWithImage: true,
  seed: false,
  negativePrompt: true,
  audio: true,
};

/** The API rejects unknown properties per model (discriminated union, additionalProperties false). */
export const runwayModels: Readonly<Record<string, RunwayModel>> = {
  'gen4.5': {
    durationsSec: [2, 3, 4, 5, 6, 7, 8, 9, 10],
    aspectRatios: landscapeOrPortrait,
    ...squareWithImage,
    maxPromptChars,
    cancel,
    promptOptionalWithImage: false,
    seed: true,
    negativePrompt: false,
    audio: false,
  },
  // The SDK now types duration as any number, but only 5 and 10 were ever documented.
  gen4_turbo: {
    durationsSec: [5, 10],
    aspectRatios: landscapeOrPortrait,
    ...squareWithImage,
    maxPromptChars,
    cancel,
    needsImage: true,
    promptOptionalWithImage: true,
    seed: true,
    negativePrompt: false,
    audio: false,
  },
  'veo3.1': veo31,
  'veo3.1_fast': veo31,
  veo3: {
    durationsSec: [8],
    aspectRatios: landscapeOrPortrait,
    maxPromptChars,
    cancel,
    promptOptionalWithImage: true,
    seed: false,
    negativePrompt: true,
    audio: false,
  },
};
