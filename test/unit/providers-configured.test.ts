import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { getConfiguredProviders, isProviderConfigured } from '../../src/config/providers';

afterEach(() => vi.unstubAllEnvs());

describe('getConfiguredProviders / isProviderConfigured', () => {
  it('lists the providers whose route key is set, in catalogue order', () => {
    expect(getConfiguredProviders({ PIAPI_API_KEY: 'k' })).toEqual(['kling', 'luma', 'hailuo', 'hunyuan', 'veo']);
    expect(getConfiguredProviders({ RUNWAY_API_KEY: 'k' })).toEqual(['runway']);
    expect(getConfiguredProviders({ PIAPI_API_KEY: 'k', RUNWAY_API_KEY: 'k' })).toEqual(
      defaultCatalogue.map((p) => p.key),
    );
    expect(getConfiguredProviders({ PIAPI_API_KEY: ' ', RUNWAY_API_KEY: '' })).toEqual([]);
  });

  it('answers per provider, unknown providers included', () => {
    expect(isProviderConfigured('kling', { PIAPI_API_KEY: 'k' })).toBe(true);
    expect(isProviderConfigured('runway', { PIAPI_API_KEY: 'k' })).toBe(false);
    expect(isProviderConfigured('sora', { PIAPI_API_KEY: 'k', RUNWAY_API_KEY: 'k' })).toBe(false);
  });

  it('reads process.env by default, and takes another catalogue', () => {
    vi.stubEnv('PIAPI_API_KEY', '');
    vi.stubEnv('RUNWAY_API_KEY', 'k');
    expect(getConfiguredProviders()).toEqual(['runway']);
    expect(isProviderConfigured('runway')).toBe(true);
    const onlyVeo = defaultCatalogue.filter((p) => p.key === 'veo');
    expect(getConfiguredProviders({ PIAPI_API_KEY: 'k' }, onlyVeo)).toEqual(['veo']);
  });
});
