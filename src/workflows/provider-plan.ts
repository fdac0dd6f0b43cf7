import type { Catalogue, ProviderConfig } from '../config/catalogue';
import { rankProvidersForScene, type ProviderRanking } from '../config/ranking';
import type { ValidSceneInput } from './scene-input';

export interface ProviderPlan {
  ranking: ProviderRanking[];
  /** Providers to try, in order. */
  order: ProviderConfig[];
}

export class PlanError extends Error {}

/**
 * The ranked chain for one scene: configured, allowed, able to render the aspect ratio, with the preferred provider
 * first as in the original design. Pure: runs in workflow code over the catalogue snapshot recorded in history.
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
  const ranking = rankProvidersForScene(catalogue, input.sceneType, input.prompt, candidates).map((r) => {
    const provider = byKey.get(r.provider)!;
    return provider.aspectRatios.includes(input.aspectRatio)
      ? r
      : { ...r, reasons: [...r.reasons, `skipped: cannot render ${input.aspectRatio}`] };
  });
  const able = ranking.filter((r) => byKey.get(r.provider)!.aspectRatios.includes(input.aspectRatio));
  const preferred = able.filter((r) => r.provider === input.preferredProvider);
  const order = [...preferred, ...able.filter((r) => r.provider !== input.preferredProvider)].map((r) =>
    byKey.get(r.provider)!,
  );
  if (order.length === 0) throw new PlanError(`no configured provider can render aspect ratio ${input.aspectRatio}`);
  return { ranking, order };
}
