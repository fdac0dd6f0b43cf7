import type { AspectRatio } from '../contract/catalogue';
import type { AspectValues, CancelSupport, Fact, ModelFacts, Price } from './facts';

/**
 * What one model renders, derived from its facts (`capabilitiesOf`): the adapter refuses anything else before
 * sending, and the worker merges these into the catalogue the workflows plan with.
 */
export interface ModelCapabilities {
  /** Every duration it renders by default, in seconds. */
  durationsSec: readonly number[];
  /** Durations sent only for a catalogue entry that lists them explicitly (undocumented but reported). */
  optInDurationsSec?: readonly number[];
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
  /** The statement all of the above is derived from. */
  facts: ModelFacts;
  /**
   * A catalogue option that selects another request with facts of its own (e.g. Hailuo's `options.model: "v2.3"`),
   * by the option's value.
   */
  variants?: { option: string; models: Readonly<Record<string, ModelCapabilities>> };
}

const ratiosOf = (values: AspectValues) => Object.keys(values) as AspectRatio[];

export function capabilitiesOf(facts: ModelFacts, variants?: ModelCapabilities['variants']): ModelCapabilities {
  return {
    durationsSec: facts.durationsSec.value,
    ...(facts.optInDurationsSec && { optInDurationsSec: facts.optInDurationsSec.value }),
    ...(facts.imageDurationsSec && { imageDurationsSec: facts.imageDurationsSec.value }),
    aspectRatios: ratiosOf(facts.aspectRatios.value),
    ...(facts.imageAspectRatios && { imageAspectRatios: ratiosOf(facts.imageAspectRatios.value) }),
    ...(facts.imageToVideo.value.needsImage && { needsImage: true }),
    ...(facts.maxPromptChars && { maxPromptChars: facts.maxPromptChars.value }),
    cancel: facts.cancel.value,
    facts,
    ...(variants && { variants }),
  };
}

/**
 * The capabilities of the request a catalogue entry's options select: the variant its option names, or the model's
 * own; undefined for an option value the model has no variant for.
 */
export function selectVariant(
  model: ModelCapabilities,
  options: Readonly<Record<string, unknown>> | undefined,
): ModelCapabilities | undefined {
  const value = model.variants && options?.[model.variants.option];
  if (value === undefined) return model;
  const variants = model.variants!.models;
  return Object.hasOwn(variants, String(value)) ? variants[String(value)] : undefined;
}

/** The documented durations and the aspect ratios that apply to one request: with or without an input image. */
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
 * Every duration the adapter sends for one request: the documented ones and the opt-in ones, which planning asks for
 * only when the catalogue lists them (a run recorded with them keeps sending what it sent).
 */
export function sendableDurations(model: ModelCapabilities, imageUrl: string | undefined): readonly number[] {
  return [...forRequest(model, imageUrl).durationsSec, ...(model.optInDurationsSec ?? [])];
}

/** The value sent for `aspect`, with or without an input image. */
export function aspectValue(model: ModelCapabilities, aspect: AspectRatio, imageUrl: string | undefined) {
  const values = (imageUrl && model.facts.imageAspectRatios?.value) || model.facts.aspectRatios.value;
  return values[aspect];
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

/**
 * What a catalogue entry sending `variant` costs: the estimate is the cheapest published per-second price among the
 * durations that variant is sold at, the worst case the dearest (or the rate it might be billed at instead).
 */
export function variantPrice(
  model: ModelCapabilities,
  variant: string,
): { costPerSecondUsd: number; maxCostPerSecondUsd: number; prices: Fact<Price>[] } {
  const prices = model.facts.prices.filter((p) => p.value.variant === variant);
  if (prices.length === 0) {
    const known = model.facts.prices.map((p) => p.value.variant).join('; ');
    throw new Error(`no price is stated for "${variant}" (stated: ${known})`);
  }
  return {
    costPerSecondUsd: Math.min(...prices.map((p) => p.value.usdPerSecond)),
    maxCostPerSecondUsd: Math.max(...prices.map((p) => p.value.worstUsdPerSecond ?? p.value.usdPerSecond)),
    prices,
  };
}
