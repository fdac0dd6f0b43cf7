import type { Catalogue } from '../contract/catalogue';
import { rankProvidersForScene } from '../domain/ranking';
import { routeKey, type EnvVariables } from '../providers/routes';
import { defaultCatalogue } from './catalogue';
import { loadCatalogue } from './load-catalogue';

/** The original design's ranking over the default catalogue: provider keys, best first, configured ones only. */
export function selectProvidersForScene(
  sceneType: string,
  visualPrompt: string,
  configuredProviders: readonly string[],
): string[] {
  return rankProvidersForScene(defaultCatalogue, sceneType, visualPrompt, configuredProviders).map((r) => r.provider);
}

/**
 * The providers a worker with this environment could use: those of its catalogue (`SCENE_VIDEO_CATALOGUE` without
 * `SCENE_VIDEO_DISABLED_PROVIDERS`, as the worker loads it) whose route's API key is set.
 */
export function getConfiguredProviders(
  env: EnvVariables = process.env,
  catalogue: Catalogue = workerCatalogue(env),
): string[] {
  return catalogue.filter((p) => routeKey(p.route, env) !== undefined).map((p) => p.key);
}

/** Whether the provider is in the worker's catalogue and its route's API key is set in `env`. */
export function isProviderConfigured(
  provider: string,
  env: EnvVariables = process.env,
  catalogue: Catalogue = workerCatalogue(env),
): boolean {
  return getConfiguredProviders(env, catalogue).includes(provider);
}

function workerCatalogue(env: EnvVariables): Catalogue {
  const text = (name: string) => (typeof env[name] === 'string' ? env[name] : undefined);
  return loadCatalogue({ file: text('SCENE_VIDEO_CATALOGUE'), disabled: text('SCENE_VIDEO_DISABLED_PROVIDERS') });
}
