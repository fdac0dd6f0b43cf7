import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it("uses the worker's catalogue from the same environment: its file, without the disabled providers", () => {
    const dir = mkdtempSync(join(tmpdir(), 'configured-'));
    try {
      const file = join(dir, 'catalogue.json');
      writeFileSync(
        file,
        JSON.stringify({ add: [{ ...defaultCatalogue.find((p) => p.key === 'veo')!, key: 'veo-hq' }] }),
      );
      const env = { PIAPI_API_KEY: 'k', SCENE_VIDEO_CATALOGUE: file, SCENE_VIDEO_DISABLED_PROVIDERS: 'luma' };
      expect(getConfiguredProviders(env)).toEqual(['kling', 'hailuo', 'hunyuan', 'veo', 'veo-hq']);
      expect(isProviderConfigured('luma', env)).toBe(false);
      expect(isProviderConfigured('veo-hq', env)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
