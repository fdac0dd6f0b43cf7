import { readFileSync } from 'node:fs';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadClientEnv } from '../../src/client/connection';
import { loadTemporalConnection } from '../../src/config/temporal-connection';

// Every environment here is a literal: no HOME, so nothing of the machine's own ~/.config/temporalio is read.
const fixtures = join(__dirname, '..', 'fixtures', 'temporal-config');
const configFile = join(fixtures, 'temporalio', 'temporal.toml');
const brokenFile = join(fixtures, 'broken.toml');
const certFile = join(fixtures, 'client.crt');
const keyFile = join(fixtures, 'client.key');

const secrets = {
  apiKey: 'env-api-key-a11ce5ec',
  grpcToken: 'grpc-meta-token-b0b5ec',
  keyData: 'env-key-data-ca7ba55',
  profileApiKey: 'profile-api-key-5ec2e7',
  brokenFileSecret: 'broken-file-secret-0ddba11',
  keyFileContent: readFileSync(keyFile, 'utf8').trim(),
};

function failure(env: NodeJS.ProcessEnv): string {
  try {
    loadTemporalConnection(env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the connection settings loaded');
}

describe('the Temporal connection', () => {
  it('defaults to localhost:7233 and namespace default, without TLS, when nothing sets them', () => {
    for (const env of [{}, { HOME: join(fixtures, 'no-such-home') }]) {
      expect(loadTemporalConnection(env)).toEqual({
        address: 'localhost:7233',
        namespace: 'default',
        connectionOptions: { address: 'localhost:7233' },
      });
    }
  });

  it("reads the names Temporal's SDKs and CLI use", () => {
    const connection = loadTemporalConnection({
      TEMPORAL_ADDRESS: 'temporal.example.test:7233',
      TEMPORAL_NAMESPACE: 'videos',
      TEMPORAL_TLS: 'true',
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      TEMPORAL_GRPC_META_X_TEAM: 'video',
    });
    expect(connection).toEqual({
      address: 'temporal.example.test:7233',
      namespace: 'videos',
      connectionOptions: {
        address: 'temporal.example.test:7233',
        tls: { serverNameOverride: 'temporal.internal' },
        metadata: { 'x-team': 'video' },
      },
    });
  });

  it('an API key implies TLS, unless TEMPORAL_TLS turns it off', () => {
    expect(loadTemporalConnection({ TEMPORAL_API_KEY: secrets.apiKey }).connectionOptions).toMatchObject({
      apiKey: secrets.apiKey,
      tls: true,
    });
    expect(
      loadTemporalConnection({ TEMPORAL_API_KEY: secrets.apiKey, TEMPORAL_TLS: 'false' }).connectionOptions.tls,
    ).toBe(false);
  });

  it('a blank variable counts as unset: `TEMPORAL_API_KEY=` turns no TLS on', () => {
    expect(loadTemporalConnection({ TEMPORAL_ADDRESS: ' ', TEMPORAL_API_KEY: '', TEMPORAL_TLS: '' })).toEqual({
      address: 'localhost:7233',
      namespace: 'default',
      connectionOptions: { address: 'localhost:7233' },
    });
  });

  it('mTLS files become a clientCertPair, from paths or from the _DATA forms', () => {
    const fromPaths = loadTemporalConnection({
      TEMPORAL_TLS_CLIENT_CERT_PATH: certFile,
      TEMPORAL_TLS_CLIENT_KEY_PATH: keyFile,
    }).connectionOptions.tls;
    const fromData = loadTemporalConnection({
      TEMPORAL_TLS_CLIENT_CERT_DATA: readFileSync(certFile, 'utf8'),
      TEMPORAL_TLS_CLIENT_KEY_DATA: readFileSync(keyFile, 'utf8'),
    }).connectionOptions.tls;
    for (const tls of [fromPaths, fromData]) {
      const pair = (tls as { clientCertPair: { crt: Uint8Array; key: Uint8Array } }).clientCertPair;
      expect(Buffer.from(pair.crt).toString()).toBe(readFileSync(certFile, 'utf8'));
      expect(Buffer.from(pair.key).toString()).toBe(readFileSync(keyFile, 'utf8'));
    }
  });

  it('takes the TOML profile TEMPORAL_PROFILE names in TEMPORAL_CONFIG_FILE; the variables override its fields', () => {
    const staging = { TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'staging' };
    expect(loadTemporalConnection(staging)).toEqual({
      address: 'staging.example.test:7233',
      namespace: 'staging',
      profile: 'staging',
      connectionOptions: {
        address: 'staging.example.test:7233',
        apiKey: secrets.profileApiKey,
        tls: true,
        metadata: { 'x-team': 'video' },
      },
    });
    expect(loadTemporalConnection({ ...staging, TEMPORAL_NAMESPACE: 'other', TEMPORAL_TLS: 'false' })).toMatchObject({
      address: 'staging.example.test:7233',
      namespace: 'other',
      connectionOptions: { apiKey: secrets.profileApiKey, tls: false },
    });
  });

  it("without TEMPORAL_PROFILE takes the file's default profile, and says so", () => {
    expect(loadTemporalConnection({ TEMPORAL_CONFIG_FILE: configFile })).toMatchObject({
      address: 'default.example.test:7233',
      namespace: 'from-default-profile',
      profile: 'default',
    });
  });

  it.runIf(process.platform === 'linux')(
    'looks for the default file where the given env says, not the real home',
    () => {
      expect(loadTemporalConnection({ XDG_CONFIG_HOME: fixtures, TEMPORAL_PROFILE: 'staging' })).toMatchObject({
        address: 'staging.example.test:7233',
        profile: 'staging',
      });
    },
  );

  it('an empty config file has no profiles (TEMPORAL_CONFIG_FILE=/dev/null shuts out the default one)', () => {
    expect(loadTemporalConnection({ TEMPORAL_CONFIG_FILE: devNull })).toEqual(loadTemporalConnection({}));
  });

  describe('refuses, saying what to fix and repeating no secret,', () => {
    const secretEnv = {
      TEMPORAL_API_KEY: secrets.apiKey,
      TEMPORAL_GRPC_META_AUTHORIZATION: `Bearer ${secrets.grpcToken}`,
    };
    it.each<[string, NodeJS.ProcessEnv, RegExp]>([
      [
        "the project's old TLS names, even beside the new ones",
        {
          TEMPORAL_TLS_CERT_PATH: certFile,
          TEMPORAL_TLS_KEY_PATH: keyFile,
          TEMPORAL_TLS_CLIENT_CERT_PATH: certFile,
          TEMPORAL_TLS_CLIENT_KEY_PATH: keyFile,
        },
        /^Invalid Temporal connection settings: TEMPORAL_TLS_CERT_PATH: was renamed TEMPORAL_TLS_CLIENT_CERT_PATH, the name Temporal's SDKs and CLI use; rename it .*; TEMPORAL_TLS_KEY_PATH: was renamed TEMPORAL_TLS_CLIENT_KEY_PATH/,
      ],
      ['a TEMPORAL_TLS that is no boolean', { TEMPORAL_TLS: 'yes' }, /TEMPORAL_TLS: Invalid option/],
      [
        'a profile the file does not have',
        { TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'prod' },
        /^TEMPORAL_PROFILE=prod names no profile in .*temporal\.toml, which has: default, staging; set TEMPORAL_PROFILE to one of its profiles, or TEMPORAL_CONFIG_FILE to the file with \[profile\.prod\]/,
      ],
      [
        'a profile without any config file',
        { TEMPORAL_PROFILE: 'prod' },
        /^TEMPORAL_PROFILE=prod names no profile in the Temporal config file \(temporalio\/temporal\.toml in your config directory\), which has none or does not exist/,
      ],
      [
        'a TEMPORAL_CONFIG_FILE that is not there',
        { TEMPORAL_CONFIG_FILE: join(fixtures, 'missing.toml'), TEMPORAL_PROFILE: 'staging' },
        /^TEMPORAL_CONFIG_FILE=.*missing\.toml cannot be read \(ENOENT\); point it at a Temporal config file, or unset it\.$/,
      ],
      [
        'a config file that is not TOML, without quoting its lines',
        { TEMPORAL_CONFIG_FILE: brokenFile },
        /^.*broken\.toml is not valid TOML \(line 2, column \d+\); fix it, or point TEMPORAL_CONFIG_FILE at another file\.$/,
      ],
      [
        'a TLS file that cannot be read',
        {
          TEMPORAL_CONFIG_FILE: configFile,
          TEMPORAL_PROFILE: 'staging',
          TEMPORAL_TLS_CLIENT_CERT_PATH: certFile,
          TEMPORAL_TLS_CLIENT_KEY_PATH: join(fixtures, 'missing.key'),
        },
        /^Cannot read .*missing\.key \(ENOENT\), the TLS client key, named by TEMPORAL_TLS_CLIENT_KEY_PATH or the profile's tls\.client_key_path; fix the path/,
      ],
      [
        'a client certificate without its key',
        { TEMPORAL_TLS_CLIENT_CERT_PATH: certFile },
        /^A TLS client certificate needs its key, and a key its certificate: set both TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/,
      ],
      [
        'a key given both as a path and as data',
        {
          TEMPORAL_TLS_CLIENT_CERT_PATH: certFile,
          TEMPORAL_TLS_CLIENT_KEY_PATH: keyFile,
          TEMPORAL_TLS_CLIENT_KEY_DATA: secrets.keyData,
        },
        /^Invalid Temporal connection settings: Cannot specify both client_key_path and client_key_data$/,
      ],
    ])('%s', (_case, env, expected) => {
      const message = failure({ ...secretEnv, ...env });
      expect(message).toMatch(expected);
      for (const secret of Object.values(secrets)) expect(message).not.toContain(secret);
    });
  });
});

describe("the client library's environment", () => {
  it('is the same connection, with the task queue TEMPORAL_TASK_QUEUE names (scene-video by default)', () => {
    const env = { TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'staging' };
    expect(loadClientEnv(env)).toEqual({
      temporal: loadTemporalConnection(env),
      taskQueue: 'scene-video',
      tracing: { OTEL_SERVICE_NAME: 'scene-video-client' },
    });
    expect(loadClientEnv({ TEMPORAL_TASK_QUEUE: 'videos-eu' }).taskQueue).toBe('videos-eu');
  });
});
