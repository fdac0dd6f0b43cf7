import type { Catalogue } from '../contract/catalogue';
import { rankProvidersForScene } from '../domain/ranking';
import { routeKey, type EnvVariables } from '../providers/routes';
import { defaultCatalogue } from './catalogue';

/** The original design's ranking over the default catalogue: provider keys, best first, configured ones only. */
export function selectProvidersForScene(
  sceneType: string,
  visualPrompt: string,
  configuredProviders: readonly string[],
): string[] {
  return rankProvidersForScene(defaultCatalogue, sceneType, visualPrompt, configuredProviders).map((r) => r.provider);
}

/** The catalogue's providers a worker with this environment could use: those whose route's API key is set. */
export function getConfiguredProviders(
  env: EnvVariables = process.env,
  catalogue: Catalogue = defaultCatalogue,
): string[] {
  return catalogue.filter((p) => routeKey(p.route, env) !== undefined).map((p) => p.key);
}

/** Whether the provider is in the catalogue and its route's API key is set in `env`. */
export function isProviderConfigured(
  provider: string,
  env: EnvVariables = process.env,
  catalogue: Catalogue = defaultCatalogue,
): boolean {
  return getConfiguredProviders(env, catalogue).includes(provider);
}
