import { providerRoutes, type ProviderModelSettings, type ProviderRoute } from '../contract/provider-task';
import { selectVariant, variantPrice, type ModelCapabilities } from './capabilities';
import { createPiapiClient, piapiDefaultBaseUrl, piapiModels, piapiPriceVariant, piapiSettings } from './piapi';
import type { RequestSettings } from './request-checks';
import { createRunwayClient, runwayDefaultBaseUrl, runwayModels, runwayPriceVariant, runwaySettings } from './runway';
import type { VideoProviderClient } from './types';

/** What every route's client is built from. */
export interface RouteAccess {
  apiKey: string;
  baseUrl: string;
  /** The largest reply body read (`PROVIDER_MAX_REPLY_BYTES`). */
  maxReplyBytes?: number;
  /** Secrets a reply may echo besides the API key (PiAPI echoes a task's webhook secret): masked like the key. */
  maskedSecrets?: string[];
}

export interface RouteDefinition {
  /** How people name the API, e.g. in "using the real PiAPI APIs". */
  label: string;
  /** The variable holding the API key: a provider is configured when its route's key is set. */
  keyEnv: string;
  /** The variable that points the route elsewhere (the sandbox), and where it points by default. */
  baseUrlEnv: string;
  defaultBaseUrl: string;
  createClient(access: RouteAccess): VideoProviderClient;
  /** The models this route's client can ask for, and what each renders. */
  models: Readonly<Record<string, ModelCapabilities>>;
  /** The task types and options each model's adapter reads, by model. */
  settings: Readonly<Record<string, RequestSettings>>;
  /** Which of its model's prices a request with these settings is sold at. */
  priceVariant(settings: ProviderModelSettings): string;
  /**
   * Whether a task can register a webhook (PiAPI's `config.webhook_config`, docs "Webhook", see
   * ../shared/reference/piapi-api.md); Runway's API has none and is polled.
   */
  webhooks: boolean;
}

/** Every provider route: the worker, the CLI and the demo all read keys, base URLs and clients from here. */
export const routeRegistry = {
  piapi: {
    label: 'PiAPI',
    keyEnv: 'PIAPI_API_KEY',
    baseUrlEnv: 'PIAPI_BASE_URL',
    defaultBaseUrl: piapiDefaultBaseUrl,
    createClient: createPiapiClient,
    models: piapiModels,
    settings: piapiSettings,
    priceVariant: piapiPriceVariant,
    webhooks: true,
  },
  runway: {
    label: 'Runway',
    keyEnv: 'RUNWAY_API_KEY',
    baseUrlEnv: 'RUNWAY_BASE_URL',
    defaultBaseUrl: runwayDefaultBaseUrl,
    createClient: createRunwayClient,
    models: runwayModels,
    settings: runwaySettings,
    priceVariant: runwayPriceVariant,
    webhooks: false,
  },
} as const satisfies Record<ProviderRoute, RouteDefinition>;

export type RouteKeyEnv = (typeof routeRegistry)[ProviderRoute]['keyEnv'];
export type RouteBaseUrlEnv = (typeof routeRegistry)[ProviderRoute]['baseUrlEnv'];

/** An environment: `process.env`, or the worker's validated one. */
export type EnvVariables = Readonly<Record<string, unknown>>;

function variable(env: EnvVariables, name: string): string | undefined {
  const value = env[name];
  return typeof value === 'string' ? value.trim() || undefined : undefined;
}

/** The API key `env` sets for `route`, trimmed; undefined when unset or blank. */
export function routeKey(route: ProviderRoute, env: EnvVariables): string | undefined {
  return variable(env, routeRegistry[route].keyEnv);
}

/** The routes whose key `env` sets. */
export function configuredRoutes(env: EnvVariables): ProviderRoute[] {
  return providerRoutes.filter((route) => routeKey(route, env) !== undefined);
}

/** "PIAPI_API_KEY and/or RUNWAY_API_KEY": what to set when no route is configured. */
export const anyRouteKeyHint = Object.values(routeRegistry)
  .map((r) => r.keyEnv)
  .join(' and/or ');

/** A client for every route whose key `env` sets, at the route's base URL from `env` or its default. */
export function routeClients(
  env: EnvVariables,
  opts: Pick<RouteAccess, 'maxReplyBytes' | 'maskedSecrets'> = {},
): Partial<Record<ProviderRoute, VideoProviderClient>> {
  return Object.fromEntries(
    configuredRoutes(env).map((route) => {
      const { createClient, baseUrlEnv, defaultBaseUrl } = routeRegistry[route];
      const access = { apiKey: routeKey(route, env)!, baseUrl: variable(env, baseUrlEnv) ?? defaultBaseUrl, ...opts };
      return [route, createClient(access)];
    }),
  );
}

/**
 * The capabilities of `model` on `route`, of the variant `options` select where it has variants; undefined when the
 * route's client does not know the model.
 */
export function modelCapabilities(
  route: ProviderRoute,
  model: string,
  options?: ProviderModelSettings['options'],
): ModelCapabilities | undefined {
  const models: Readonly<Record<string, ModelCapabilities>> = routeRegistry[route].models;
  return Object.hasOwn(models, model) ? selectVariant(models[model]!, options) : undefined;
}

/** The published price of the exact request these settings send, from the model's facts. */
export function requestPrice(settings: ProviderModelSettings): ReturnType<typeof variantPrice> & { variant: string } {
  const model = modelCapabilities(settings.route, settings.model, settings.options);
  if (!model)
    throw new Error(
      `${settings.route} has no model ${settings.model} with options ${JSON.stringify(settings.options)}`,
    );
  const variant = routeRegistry[settings.route].priceVariant(settings);
  return { ...variantPrice(model, variant), variant };
}
