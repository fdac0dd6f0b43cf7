import { capabilitiesOf, type ModelCapabilities } from '../capabilities';
import { fact, type AspectValues, type Billing, type ModelFacts, type Source } from '../facts';

/** A Runway model: its facts, and which request fields it takes. */
export interface RunwayModel extends ModelCapabilities {
  /** Whether image-to-video takes a prompt-less request. */
  promptOptionalWithImage: boolean;
  seed: boolean;
  negativePrompt: boolean;
}

/** Where the Runway facts come from; /work/shared/reference/runway-api.md (§ numbers below) collects them. */
const src = {
  sdk: {
    cite: 'runwayml/sdk-node v4.12.0 ecb7e33, image-to-video.ts and text-to-video.ts (runway-api.md §4.2, §4.3)',
    date: '2026-07-23',
    confidence: 'high',
  },
  sdkGen4TurboDuration: {
    cite: 'runwayml/sdk-node: duration 5 | 10 until 2025-11, a plain number since (runway-api.md §4.3, §12)',
    date: '2026-07-23',
    confidence: 'medium',
  },
  sdkCancel: {
    cite: 'runwayml/sdk-node tasks.ts: "Tasks that are running, pending, or throttled can be canceled" (runway-api.md §6)',
    date: '2026-07-23',
    confidence: 'high',
  },
  skillsPrices: {
    cite: 'runwayml/skills c5674fd (Runway-owned, not the reference pricing page), $0.01 per credit (runway-api.md §8)',
    date: '2026-04-21',
    confidence: 'medium',
  },
  veo31Split: {
    cite: 'runwayml/skills c5674fd: veo3.1 20–40 and veo3.1_fast 10–15 credits/s; the split by audio is inferred from the SDK\'s "Audio inclusion affects pricing" (runway-api.md §8)',
    date: '2026-04-21',
    confidence: 'low',
  },
  moderation: {
    cite: 'docs.dev.runwayml.com/api-details/moderation: "Moderated generations have the same credit cost as successful generations"; other failures not billed (inferred, runway-api.md §5.2)',
    date: '2026-12-05',
    confidence: 'medium',
  },
} as const satisfies Record<string, Source>;

/** promptText: "up to 1000 characters (measured in UTF-16 code units)". */
const maxPromptChars = fact(1000, src.sdk);
const cancel = fact('until-finished' as const, src.sdkCancel);
const billing = fact<Billing>({ failed: 'not billed', moderated: 'billed' }, src.moderation);
const landscapeOrPortrait: AspectValues = { '16:9': '1280:720', '9:16': '720:1280' };
/** 960:960 exists only for image-to-video on the gen4 models. */
const withSquare: AspectValues = { ...landscapeOrPortrait, '1:1': '960:960' };
const silent = fact({ sent: {}, output: 'silent' } as const, src.sdk, 'the model takes no audio field');
const promptImage = { fields: ['promptImage'] };

const perSecond = (variant: string, credits: number, source: Source = src.skillsPrices) =>
  fact({ variant, usdPerSecond: credits / 100 }, source);

const veo31 = (name: string, silentCredits: number, audioCredits: number): ModelFacts => ({
  durationsSec: fact([4, 6, 8], src.sdk),
  aspectRatios: fact(landscapeOrPortrait, src.sdk),
  maxPromptChars,
  audio: fact({ sent: { audio: false }, output: 'silent' }, src.sdk),
  imageToVideo: fact(promptImage, src.sdk),
  cancel,
  prices: [
    fact(
      { variant: `${name}, no audio`, usdPerSecond: silentCredits / 100, worstUsdPerSecond: audioCredits / 100 },
      src.veo31Split,
      'worst case: the top of the published range',
    ),
    perSecond(`${name}, audio`, audioCredits, src.veo31Split),
  ],
  billing,
});

const fields = (promptOptionalWithImage: boolean, seed: boolean, negativePrompt: boolean) => ({
  promptOptionalWithImage,
  seed,
  negativePrompt,
});

/** The API rejects unknown properties per model (discriminated union, additionalProperties false). */
export const runwayModels: Readonly<Record<string, RunwayModel>> = {
  'gen4.5': {
    ...capabilitiesOf({
      durationsSec: fact([2, 3, 4, 5, 6, 7, 8, 9, 10], src.sdk),
      aspectRatios: fact(landscapeOrPortrait, src.sdk),
      imageAspectRatios: fact(withSquare, src.sdk),
      maxPromptChars,
      audio: silent,
      imageToVideo: fact(promptImage, src.sdk),
      cancel,
      prices: [perSecond('gen4.5', 12)],
      billing,
    }),
    ...fields(false, true, false),
  },
  gen4_turbo: {
    ...capabilitiesOf({
      durationsSec: fact([5, 10], src.sdkGen4TurboDuration),
      aspectRatios: fact(landscapeOrPortrait, src.sdk),
      imageAspectRatios: fact(withSquare, src.sdk),
      maxPromptChars,
      audio: silent,
      imageToVideo: fact({ ...promptImage, needsImage: true }, src.sdk),
      cancel,
      prices: [perSecond('gen4_turbo', 5)],
      billing,
    }),
    ...fields(true, true, false),
  },
  'veo3.1': { ...capabilitiesOf(veo31('veo3.1', 20, 40)), ...fields(true, false, true) },
  'veo3.1_fast': { ...capabilitiesOf(veo31('veo3.1_fast', 10, 15)), ...fields(true, false, true) },
  veo3: {
    ...capabilitiesOf({
      durationsSec: fact([8], src.sdk),
      aspectRatios: fact(landscapeOrPortrait, src.sdk),
      maxPromptChars,
      audio: fact(
        { sent: {}, output: 'may carry sound' },
        { ...src.sdk, confidence: 'low' },
        'Veo 3 renders sound and this API has no field to turn it off (inferred)',
      ),
      imageToVideo: fact(promptImage, src.sdk),
      cancel,
      prices: [perSecond('veo3', 40)],
      billing,
    }),
    ...fields(true, false, true),
  },
};
