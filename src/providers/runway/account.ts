import { at, finiteNumber, isRecord } from '../json';
import { ProviderError, type ModelLimits, type ProviderAccount } from '../types';
import { creditsPerUsd } from './task';

const limitFields = ['maxConcurrentGenerations', 'maxDailyGenerations'] as const;

/**
 * `GET /v1/organization` (official SDK): `{creditBalance, tier: {models: {[m]: {maxConcurrentGenerations,
 * maxDailyGenerations}}}, usage: {models: {[m]: {dailyGenerations}}}}`. Limits are per model; a field the reply lacks
 * stays absent, and a missing balance is unknown, not 0.
 */
export function parseRunwayOrganization(body: unknown): ProviderAccount {
  if (!isRecord(body)) throw new ProviderError('protocol', 'Runway GET /v1/organization: the reply is not an object');
  const account: ProviderAccount = { models: {} };
  const credits = finiteNumber(body.creditBalance);
  if (credits !== undefined) {
    account.credits = { amount: credits, unit: `credits at ${1 / creditsPerUsd} USD` };
    account.balanceUsd = credits / creditsPerUsd;
  }
  // A Map, not the object: a model the reply names `__proto__` would otherwise write onto Object.prototype.
  const models = new Map<string, ModelLimits>();
  const model = (name: string): ModelLimits => models.get(name) ?? models.set(name, {}).get(name)!;
  const tiers = at(body, 'tier', 'models');
  for (const [name, limits] of isRecord(tiers) ? Object.entries(tiers) : []) {
    for (const field of limitFields) {
      const value = finiteNumber(at(limits, field));
      if (value !== undefined) model(name)[field] = value;
    }
  }
  const usage = at(body, 'usage', 'models');
  for (const [name, used] of isRecord(usage) ? Object.entries(usage) : []) {
    const value = finiteNumber(at(used, 'dailyGenerations'));
    if (value !== undefined) model(name).dailyGenerations = value;
  }
  // Own data properties, whatever the names.
  account.models = Object.fromEntries(models);
  return account;
}
