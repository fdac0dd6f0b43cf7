import { fitDuration } from './duration';
import type { ProviderConfig } from '../contract/catalogue';

/** Catalogue estimate of what one attempt costs if billed, at the duration the adapter will actually ask for. */
export function estimateCostUsd(
  provider: Pick<ProviderConfig, 'allowedDurationsSec' | 'costPerSecondUsd'>,
  requestedSec: number,
): number {
  return roundUsd(fitDuration(requestedSec, provider.allowedDurationsSec) * provider.costPerSecondUsd);
}

/**
 * The most one attempt can be billed, at the duration the adapter will ask for: what a budget reserves before the
 * attempt starts. A catalogue entry without `maxCostPerSecondUsd` (every catalogue recorded before the field existed)
 * gives its estimate, so runs in flight decide as they did.
 */
export function worstCaseCostUsd(provider: ProviderConfig, requestedSec: number): number {
  const perSec = provider.maxCostPerSecondUsd ?? provider.costPerSecondUsd;
  return roundUsd(fitDuration(requestedSec, provider.allowedDurationsSec) * perSec);
}

export function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}
