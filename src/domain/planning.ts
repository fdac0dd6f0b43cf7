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

/**
 * Why this provider's clip would be too far from the scene's duration, or undefined when it is near enough (or the
 * catalogue sets no `maxDurationGapSec`). Measured on the duration it would be asked for, which is what it renders.
 */
export function durationGapReason(provider: ProviderConfig, requestedSec: number): string | undefined {
  if (provider.maxDurationGapSec === undefined) return undefined;
  const renderedSec = fitDuration(requestedSec, provider.allowedDurationsSec);
  const gapSec = Math.abs(renderedSec - requestedSec);
  if (gapSec <= provider.maxDurationGapSec) return undefined;
  return (
    `skipped: the scene lasts ${requestedSec} s and ${provider.displayName} would render ${renderedSec} s ` +
    `(${Math.round(gapSec * 100) / 100} s off; the catalogue allows ${provider.maxDurationGapSec} s)`
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
  const unable = (provider: ProviderConfig): string | undefined =>
    !provider.aspectRatios.includes(input.aspectRatio)
      ? `skipped: cannot render ${input.aspectRatio}`
      : (promptLimitReason(provider, input.prompt) ?? durationGapReason(provider, input.durationSec));
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
