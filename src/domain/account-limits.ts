import type { Catalogue } from '../contract/catalogue';
import type { ProviderRoute } from '../contract/provider-task';

/** Route → the API's model name → generations it runs at once for the account, as its pre-flight reported. */
export type AccountConcurrency = Partial<Record<ProviderRoute, Record<string, number>>>;

/**
 * The catalogue with each entry's in-flight limit lowered to what its account runs at once: the catalogue's own
 * `maxInFlight` where that is lower, the account's where the catalogue sets none. Scenes past it wait at the entry's
 * gate, holding nothing, instead of in the provider's queue (Runway: `THROTTLED`). An account limit below 1 says
 * nothing the gate could enforce and is left out.
 */
export function withAccountLimits(catalogue: Catalogue, limits: AccountConcurrency): Catalogue {
  return catalogue.map((entry) => {
    const byModel = limits[entry.route];
    const reported = byModel && Object.hasOwn(byModel, entry.model) ? byModel[entry.model] : undefined;
    if (reported === undefined || !(reported >= 1)) return entry;
    const account = Math.floor(reported);
    const maxInFlight = Math.min(entry.maxInFlight ?? account, account);
    return maxInFlight === entry.maxInFlight ? entry : { ...entry, maxInFlight };
  });
}
