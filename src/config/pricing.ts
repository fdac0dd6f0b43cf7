import { pickDuration } from '../providers/mapping';
import type { ProviderConfig } from './catalogue';

/** Catalogue estimate of what one attempt costs if billed, at the duration the adapter will actually ask for. */
export function estimateCostUsd(provider: ProviderConfig, requestedSec: number): number {
  return roundUsd(pickDuration(requestedSec, provider.allowedDurationsSec) * provider.costPerSecondUsd);
}

export function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}
