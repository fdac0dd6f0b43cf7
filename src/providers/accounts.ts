import type { ProviderRoute } from '../contract/provider-task';
import { routeClients, routeRegistry, type EnvVariables } from './routes';
import { ProviderError, type ProviderAccount } from './types';

/** One route's pre-flight: the account as its API reports it, or why it could not be read and what to do. */
export type RouteAccountCheck =
  | { route: ProviderRoute; checked: true; account: ProviderAccount }
  | { route: ProviderRoute; checked: false; problem: string; hint: string };

/** What to do about a route whose account could not be read, by how the call failed. */
function hintFor(route: ProviderRoute, err: unknown): string {
  const { keyEnv, baseUrlEnv, label } = routeRegistry[route];
  if (!(err instanceof ProviderError)) return `Report this: reading the ${label} account failed unexpectedly.`;
  switch (err.kind) {
    case 'auth':
      return `Check ${keyEnv}: ${label} refused the key.`;
    case 'network':
      return `Check ${baseUrlEnv} (if set) and the network, then retry.`;
    case 'not_found':
      return `Check ${baseUrlEnv}: nothing answers the account endpoint there.`;
    case 'rate_limited':
    case 'server':
      return `${label} is busy or failing; retry in a minute.`;
    default:
      return `${label} answered something unexpected; check ${baseUrlEnv} points at the API.`;
  }
}

/**
 * Reads the account of every route `env` configures (or of `routes` among them), all at once. Never throws for one
 * route's failure: that route comes back unchecked with the reason, the others are still reported.
 */
export async function checkRouteAccounts(
  env: EnvVariables,
  opts: { routes?: readonly ProviderRoute[]; timeoutMs?: number } = {},
): Promise<RouteAccountCheck[]> {
  const clients = routeClients(env);
  const routes = (Object.keys(clients) as ProviderRoute[]).filter((r) => !opts.routes || opts.routes.includes(r));
  return Promise.all(
    routes.map(async (route): Promise<RouteAccountCheck> => {
      try {
        const account = await clients[route]!.getAccount({ timeoutMs: opts.timeoutMs ?? 15_000 });
        return { route, checked: true, account };
      } catch (err) {
        const problem = err instanceof Error ? err.message : String(err);
        return { route, checked: false, problem, hint: hintFor(route, err) };
      }
    }),
  );
}
