import { providerRoutes, type ProviderRoute } from '../../src/contract/provider-task';
import { routeRegistry } from '../../src/providers/routes';
import type { Sandbox } from '../sandbox';

/**
 * The variables that point `routes` at the sandbox: each route's base-URL and key variables, named by the route
 * registry, as a worker reads them.
 */
export function sandboxRouteEnv(
  sandbox: Sandbox,
  routes: readonly ProviderRoute[] = providerRoutes,
): Record<string, string> {
  const baseUrls: Record<ProviderRoute, string> = { piapi: sandbox.piapiBaseUrl, runway: sandbox.runwayBaseUrl };
  return Object.fromEntries(
    routes.flatMap((route) => [
      [routeRegistry[route].baseUrlEnv, baseUrls[route]],
      [routeRegistry[route].keyEnv, sandbox.apiKeys[route]],
    ]),
  );
}
