import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemporalConnection, withoutSecrets } from '../../src/config/temporal-connection';

// A transport that refuses a header quotes it whole: `Metadata string value "Bearer <key>" contains illegal characters`
// (grpc-js, seen in review). Such values are refused before any connection, and connection errors are scrubbed.
const load = (env: NodeJS.ProcessEnv) => loadTemporalConnection({ TEMPORAL_CONFIG_FILE: '/dev/null', ...env });

describe('connection secrets never reach a message', () => {
  it('an API key read from a mounted file loses its trailing newline rather than failing every call', () => {
    expect(load({ TEMPORAL_API_KEY: 'tmprl-secret-5ec\n' }).connectionOptions.apiKey).toBe('tmprl-secret-5ec');
  });

  it('an API key or gRPC header value no header can carry is refused at load, naming the variable, not the value', () => {
    for (const env of [
      { TEMPORAL_API_KEY: 'tmprl-secret\u0001-5ec' },
      { TEMPORAL_API_KEY: 'tmprl-secret-é-5ec' },
      { TEMPORAL_GRPC_META_AUTHORIZATION: 'Bearer secret-7ac\r' },
    ]) {
      const err = (() => {
        try {
          load(env);
        } catch (e) {
          return e as Error;
        }
        throw new Error(`accepted ${Object.keys(env)[0]}`);
      })();
      expect(err.message).toMatch(/TEMPORAL_API_KEY|TEMPORAL_GRPC_META_/);
      expect(err.message).toContain('not shown');
      expect(err.message).not.toContain('secret');
    }
  });

  it('a connection error quoting the key or a header value is scrubbed', () => {
    const temporal = load({ TEMPORAL_API_KEY: 'tmprl-secret-5ec', TEMPORAL_GRPC_META_X_TOKEN: 'token-7ac' });
    const scrubbed = withoutSecrets('value "Bearer tmprl-secret-5ec" and "token-7ac" refused', temporal);
    expect(scrubbed).toBe('value "Bearer [redacted]" and "[redacted]" refused');
  });

  it('a config file of the wrong shape, or a folder, is named without quoting its values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svw-config-'));
    const wrongShape = join(dir, 'temporal.toml');
    writeFileSync(wrongShape, '[profile]\ndefault = "tmprl-secret-5ec"\n');
    expect(() => load({ TEMPORAL_CONFIG_FILE: wrongShape, TEMPORAL_PROFILE: 'default' })).toThrow(
      new RegExp(`^${wrongShape} does not have the shape of a Temporal config file \\(\\[profile.NAME\\] tables`),
    );
    expect(() => load({ TEMPORAL_CONFIG_FILE: wrongShape, TEMPORAL_PROFILE: 'default' })).not.toThrow(/secret/);
    expect(() => load({ TEMPORAL_CONFIG_FILE: dir, TEMPORAL_PROFILE: 'default' })).toThrow(
      `Cannot read ${dir} (EISDIR); fix it, or point TEMPORAL_CONFIG_FILE at another file.`,
    );
  });
});
