import type { Catalogue, ProviderConfig } from '../contract/catalogue';
import type { ProviderRoute } from '../contract/provider-task';
import { loadCatalogue } from '../config/load-catalogue';
import { routeKey, routeRegistry } from '../providers/routes';
import { UsageError } from './errors';

/** The worker treats a provider as configured when its API route has a key; the CLI reads the same variables. */
export const routeKeyEnv = Object.fromEntries(
  Object.entries(routeRegistry).map(([route, r]) => [route, r.keyEnv]),
) as Record<ProviderRoute, string>;

function load(env: NodeJS.ProcessEnv, disabled: string | undefined): Catalogue {
  try {
    return loadCatalogue({ file: env.SCENE_VIDEO_CATALOGUE?.trim() || undefined, disabled });
  } catch (err) {
    throw new UsageError((err as Error).message, 'Fix SCENE_VIDEO_CATALOGUE / SCENE_VIDEO_DISABLED_PROVIDERS.');
  }
}

/** The providers a worker with this environment would use: SCENE_VIDEO_CATALOGUE minus the disabled ones. */
export function activeCatalogue(env: NodeJS.ProcessEnv): Catalogue {
  return load(env, env.SCENE_VIDEO_DISABLED_PROVIDERS);
}

/**
 * Every provider name a scene may mention. Disabling is a worker deployment choice, so input naming a disabled
 * provider is still valid here; the worker reports it as not configured.
 */
export function knownCatalogue(env: NodeJS.ProcessEnv): Catalogue {
  return load(env, undefined);
}

export function isConfigured(provider: ProviderConfig, env: NodeJS.ProcessEnv): boolean {
  return routeKey(provider.route, env) !== undefined;
}
