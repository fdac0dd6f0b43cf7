import { describe, expect, it } from 'vitest';
import { loadWorkerEnv } from '../../src/config/environment';
import { providerRoutes } from '../../src/contract/provider-task';
import {
  anyRouteKeyHint,
  configuredRoutes,
  modelCapabilities,
  routeClients,
  routeKey,
  routeRegistry,
} from '../../src/providers/routes';

describe('the route registry', () => {
  it('has one entry per route the contract names, each with its variables and default base URL', () => {
    expect(Object.keys(routeRegistry).sort()).toEqual([...providerRoutes].sort());
    expect(
      Object.fromEntries(
        Object.entries(routeRegistry).map(([route, r]) => [route, [r.keyEnv, r.baseUrlEnv, r.defaultBaseUrl]]),
      ),
    ).toEqual({
      piapi: ['PIAPI_API_KEY', 'PIAPI_BASE_URL', 'https://api.piapi.ai'],
      runway: ['RUNWAY_API_KEY', 'RUNWAY_BASE_URL', 'https://api.dev.runwayml.com'],
    });
    expect(anyRouteKeyHint).toBe('PIAPI_API_KEY and/or RUNWAY_API_KEY');
  });

  it('reads a route key trimmed, and a blank one as unset', () => {
    expect(routeKey('piapi', { PIAPI_API_KEY: '  k1 ' })).toBe('k1');
    expect(routeKey('piapi', { PIAPI_API_KEY: '   ' })).toBeUndefined();
    expect(routeKey('runway', { PIAPI_API_KEY: 'k1' })).toBeUndefined();
    expect(configuredRoutes({ RUNWAY_API_KEY: 'k2' })).toEqual(['runway']);
    expect(configuredRoutes({ RUNWAY_API_KEY: 'k2', PIAPI_API_KEY: 'k1' })).toEqual(['runway', 'piapi']);
    expect(configuredRoutes({})).toEqual([]);
  });

  it('builds a client for each configured route only', () => {
    expect(Object.keys(routeClients({ PIAPI_API_KEY: 'k1' }))).toEqual(['piapi']);
    const both = routeClients({ PIAPI_API_KEY: 'k1', RUNWAY_API_KEY: 'k2', RUNWAY_BASE_URL: 'http://127.0.0.1:1' });
    expect(Object.keys(both).sort()).toEqual(['piapi', 'runway']);
    expect(typeof both.runway?.createTask).toBe('function');
  });

  it("gives the worker's environment schema each route's variables, with the default base URLs", () => {
    const env = loadWorkerEnv({ PIAPI_API_KEY: ' k1 ' });
    expect(env).toMatchObject({
      PIAPI_API_KEY: 'k1',
      PIAPI_BASE_URL: 'https://api.piapi.ai',
      RUNWAY_BASE_URL: 'https://api.dev.runwayml.com',
    });
    expect(env.RUNWAY_API_KEY).toBeUndefined();
    expect(() => loadWorkerEnv({ RUNWAY_BASE_URL: 'nope' })).toThrow(/RUNWAY_BASE_URL/);
  });

  it("looks a model's capabilities up on its own route only", () => {
    expect(modelCapabilities('runway', 'veo3.1')).toMatchObject({
      durationsSec: [4, 6, 8],
      aspectRatios: ['16:9', '9:16'],
    });
    expect(modelCapabilities('piapi', 'luma')).toMatchObject({ durationsSec: [5, 10], imageDurationsSec: [5] });
    expect(modelCapabilities('piapi', 'gen4.5')).toBeUndefined();
    expect(modelCapabilities('runway', 'toString')).toBeUndefined();
  });
});
