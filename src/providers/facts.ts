import type { AspectRatio } from '../contract/catalogue';

/**
 * How far a fact can be trusted: `high` = the provider's reference docs or official SDK; `medium` = the provider's own
 * non-reference pages (product pages, first-party tools) or several independent third parties; `low` = one third
 * party, or inferred.
 */
export type Confidence = 'high' | 'medium' | 'low';

/** Where a fact was read: a page, file or example, dated by the source itself or, when it has no date, when read. */
export interface Source {
  cite: string;
  date: string;
  confidence: Confidence;
}

/** One statement about a model, with its source. `note` says why, where the value is not read off the source as is. */
export interface Fact<T> {
  value: T;
  source: Source;
  note?: string;
}

export const fact = <T>(value: T, source: Source, note?: string): Fact<T> =>
  note === undefined ? { value, source } : { value, source, note };

/**
 * Which of a model's tasks its API can cancel: `while-queued` (PiAPI documents per-task cancel for some models, and
 * only while `pending`), `until-finished` (Runway: pending, throttled or running), or `none` (no documented cancel: an
 * abandoned task keeps rendering and may bill).
 */
export type CancelSupport = 'while-queued' | 'until-finished' | 'none';

/** Each aspect ratio the model renders, and the exact value sent for it (`null`: nothing is sent for it). */
export type AspectValues = Readonly<Partial<Record<AspectRatio, string | null>>>;

/** What goes into the request about sound, and what comes out. */
export interface Audio {
  /** The fields sent, exactly (empty: the model takes none). */
  sent: Readonly<Record<string, boolean>>;
  /** What the clip carries as sent. */
  output: 'silent' | 'may carry sound';
}

/** The request fields that carry an input image. */
export interface ImageToVideo {
  fields: readonly string[];
}

/**
 * What one variant of a request costs, per second of output: a per-clip price is divided by the clip's seconds. The
 * adapter names the variant a request is (`priceVariant`), so the catalogue prices what is actually sent.
 */
export interface Price {
  variant: string;
  usdPerSecond: number;
  /** A per-clip price, as published, for the duration it is for. */
  perClip?: { usd: number; durationSec: number };
  /** Where the provider might bill the request at another rate, the dearest it could be, per second. */
  worstUsdPerSecond?: number;
}

/** A price published per clip: its per-second figure is derived, so the two can never disagree. */
export const clipPrice = (variant: string, usd: number, durationSec: number): Price => ({
  variant,
  usdPerSecond: usd / durationSec,
  perClip: { usd, durationSec },
});

/** Who pays when a task does not deliver. */
export interface Billing {
  failed: 'not billed' | 'billed';
  moderated: 'not billed' | 'billed';
}

/**
 * One statement of what a model is, each fact with its source: what it renders, the exact values sent, what it costs
 * and who pays for failures. The capabilities the adapters and the catalogue use are derived from it
 * (`capabilitiesOf` in capabilities.ts), and the README's "Provider facts" table is generated from it
 * (`npm run provider-facts`).
 */
export interface ModelFacts {
  /** Durations in seconds the provider documents for this request: what the model renders by default. */
  durationsSec: Fact<readonly number[]>;
  /**
   * Durations the provider does not document but others report working: sent only for a catalogue entry that lists
   * them in `allowedDurationsSec`.
   */
  optInDurationsSec?: Fact<readonly number[]>;
  /** The durations from an input image, where they differ. */
  imageDurationsSec?: Fact<readonly number[]>;
  /** Without an input image: the aspect ratios planning can count on, and the value sent for each. */
  aspectRatios: Fact<AspectValues>;
  /** With an input image, where they differ. */
  imageAspectRatios?: Fact<AspectValues>;
  /** The longest prompt accepted, in UTF-16 code units (JavaScript string length). */
  maxPromptChars?: Fact<number>;
  audio: Fact<Audio>;
  /** How an input image is sent; `needsImage`: the model renders only from one. */
  imageToVideo: Fact<ImageToVideo & { needsImage?: boolean }>;
  cancel: Fact<CancelSupport>;
  prices: readonly Fact<Price>[];
  billing: Fact<Billing>;
}
