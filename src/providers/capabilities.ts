import type { AspectRatio } from '../contract/catalogue';

/**
 * Which of a model's tasks its API can cancel: `while-queued` (PiAPI documents per-task cancel for some models, and
 * only while `pending`), `until-finished` (Runway: pending, throttled or running), or `none` (no documented cancel: an
 * abandoned task keeps rendering and may bill).
 */
export type CancelSupport = 'while-queued' | 'until-finished' | 'none';

/**
 * What one model renders, as its API documents it: the adapter refuses anything else before sending, and the worker
 * merges these into the catalogue the workflows plan with.
 */
export interface ModelCapabilities {
  /** Every duration it renders, in seconds. */
  durationsSec: readonly number[];
  /** The durations it renders from an input image, where they differ. */
  imageDurationsSec?: readonly number[];
  /** The aspect ratios it renders whatever the inputs: the ones planning can count on. */
  aspectRatios: readonly AspectRatio[];
  /** The aspect ratios it renders from an input image, where they differ. */
  imageAspectRatios?: readonly AspectRatio[];
  /** It renders only from an input image (no text-to-video). */
  needsImage?: boolean;
  /** The longest prompt it accepts, in UTF-16 code units (JavaScript string length), where documented. */
  maxPromptChars?: number;
  cancel: CancelSupport;
}

/** The durations and aspect ratios that apply to one request: with or without an input image. */
export function forRequest(
  model: ModelCapabilities,
  imageUrl: string | undefined,
): { durationsSec: readonly number[]; aspectRatios: readonly AspectRatio[] } {
  return imageUrl
    ? {
        durationsSec: model.imageDurationsSec ?? model.durationsSec,
        aspectRatios: model.imageAspectRatios ?? model.aspectRatios,
      }
    : { durationsSec: model.durationsSec, aspectRatios: model.aspectRatios };
}

/**
 * What the model renders for every scene planning may send it: the catalogue's durations and aspect ratios must hold
 * whether or not the scene has an input image (only with one, for a model that needs one), because the budget prices
 * and the create request fits with that one list.
 */
export function forAnyScene(model: ModelCapabilities): {
  durationsSec: readonly number[];
  aspectRatios: readonly AspectRatio[];
} {
  if (model.needsImage) return forRequest(model, 'image');
  const withImage = model.imageDurationsSec;
  return {
    durationsSec: withImage ? model.durationsSec.filter((d) => withImage.includes(d)) : model.durationsSec,
    aspectRatios: model.aspectRatios,
  };
}
