import type { Catalogue, ProviderConfig } from '../contract/catalogue';
import type { ProviderRanking } from '../contract/scene-workflow';
import { fitDuration } from './duration';
import { rankProvidersForScene } from './ranking';
import type { ValidSceneInput } from '../contract/scene-input';

export interface ProviderPlan {
  ranking: ProviderRanking[];
  /** Providers to try, in order. */
  order: ProviderConfig[];
}

export class PlanError extends Error {}

/** Why this provider cannot take the prompt, or undefined when it can (length in UTF-16 code units, as providers count). */
export function promptLimitReason(provider: ProviderConfig, prompt: string): string | undefined {
  if (provider.maxPromptChars === undefined || prompt.length <= provider.maxPromptChars) return undefined;
  return `skipped: the prompt has ${prompt.length} characters and ${provider.displayName} accepts at most ${provider.maxPromptChars}`;
}

/** How far the provider's clip would be from the scene's duration, measured on the duration it would be asked for. */
function durationGapSec(provider: ProviderConfig, requestedSec: number): number {
  return Math.abs(fitDuration(requestedSec, provider.allowedDurationsSec) - requestedSec);
}

/**
 * Why this provider's clip would be too far from the scene's duration, or undefined when it is near enough (or the
 * catalogue sets no `maxDurationGapSec`). Too far means more than the catalogue allows and more than the nearest
 * provider able to take the scene comes (`nearestGapSec`): a scene longer than any clip goes to the providers that
 * render the longest, never to none.
 */
export function durationGapReason(
  provider: ProviderConfig,
  requestedSec: number,
  nearestGapSec = 0,
): string | undefined {
  if (provider.maxDurationGapSec === undefined) return undefined;
  const gapSec = durationGapSec(provider, requestedSec);
  if (gapSec <= Math.max(provider.maxDurationGapSec, nearestGapSec)) return undefined;
  const round = (sec: number) => Math.round(sec * 100) / 100;
  const nearer =
    nearestGapSec > provider.maxDurationGapSec ? `, and another provider comes within ${round(nearestGapSec)} s` : '';
  return (
    `skipped: the scene lasts ${requestedSec} s and ${provider.displayName} would render ` +
    `${fitDuration(requestedSec, provider.allowedDurationsSec)} s ` +
    `(${round(gapSec)} s off; the catalogue allows ${provider.maxDurationGapSec} s${nearer})`
  );
}

/**
 * The ranked chain for one scene: configured, allowed, able to render the aspect ratio, with the preferred provider
 * first as in the original design; providers that cannot take the prompt's length, or would render a clip too far
 * from the scene's duration, are skipped with the reason. Pure: runs in workflow code over the catalogue snapshot
 * recorded in history, so a run planned before prompt limits or duration gaps existed (its recorded catalogue has no
 * `maxPromptChars` or `maxDurationGapSec`) keeps its plan on replay without a patch.
 */
export function planProviders(
  input: ValidSceneInput,
  catalogue: Catalogue,
  configured: readonly string[],
): ProviderPlan {
  const known = new Set(catalogue.map((p) => p.key));
  const named = [...(input.allowedProviders ?? []), ...(input.preferredProvider ? [input.preferredProvider] : [])];
  const unknown = named.filter((k) => !known.has(k));
  if (unknown.length > 0)
    throw new PlanError(`unknown provider(s): ${unknown.join(', ')}; the catalogue has ${[...known].join(', ')}`);
  if (input.preferredProvider && !configured.includes(input.preferredProvider)) {
    throw new PlanError(
      `preferredProvider "${input.preferredProvider}" is not configured on the worker (configured: ${configured.join(', ') || 'none'})`,
    );
  }
  const allowed = input.allowedProviders ? new Set(input.allowedProviders) : undefined;
  const candidates = configured.filter((k) => !allowed || allowed.has(k));
  if (candidates.length === 0) {
    throw new PlanError(
      allowed
        ? `none of allowedProviders (${[...allowed].join(', ')}) is configured on the worker (configured: ${configured.join(', ') || 'none'})`
        : 'no provider is configured on the worker (set PIAPI_API_KEY and/or RUNWAY_API_KEY)',
    );
  }

  const byKey = new Map(catalogue.map((p) => [p.key, p]));
  const cannotTake = (provider: ProviderConfig): string | undefined =>
    !provider.aspectRatios.includes(input.aspectRatio)
      ? `skipped: cannot render ${input.aspectRatio}`
      : provider.needsImage && !input.imageUrl
        ? `skipped: ${provider.displayName} renders only from an input image (imageUrl)`
        : promptLimitReason(provider, input.prompt);
  const takers = candidates.map((k) => byKey.get(k)!).filter((p) => cannotTake(p) === undefined);
  const nearestGapSec = Math.min(...takers.map((p) => durationGapSec(p, input.durationSec)));
  const unable = (provider: ProviderConfig): string | undefined =>
    cannotTake(provider) ?? durationGapReason(provider, input.durationSec, nearestGapSec);
  const ranking = rankProvidersForScene(catalogue, input.sceneType, input.prompt, candidates).map((r) => {
    const reason = unable(byKey.get(r.provider)!);
    return reason === undefined ? r : { ...r, reasons: [...r.reasons, reason] };
  });
  const able = ranking.filter((r) => unable(byKey.get(r.provider)!) === undefined);
  const preferred = able.filter((r) => r.provider === input.preferredProvider);
  const order = [...preferred, ...able.filter((r) => r.provider !== input.preferredProvider)].map((r) =>
    byKey.get(r.provider)!,
  );
  if (order.length === 0) {
    const skips = ranking.map((r) => `${r.provider} ${r.reasons[r.reasons.length - 1]!.replace(/^skipped: /, '')}`);
    throw new PlanError(
      ranking.some((r) => byKey.get(r.provider)!.aspectRatios.includes(input.aspectRatio))
        ? `no configured provider can take this scene (${skips.join('; ')}); shorten the prompt, change the duration or allow another provider`
        : `no configured provider can render aspect ratio ${input.aspectRatio}`,
    );
  }
  return { ranking, order };
}
