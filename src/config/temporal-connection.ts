import {
  loadClientConfig,
  loadClientConfigProfile,
  toClientOptions,
  type ClientConfig,
  type ClientConfigProfile,
  type ClientConfigTLS,
  type ClientConnectConfig,
} from '@temporalio/envconfig';
import type { ConnectionOptions } from '@temporalio/client';
import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { formatZodError } from '../contract/format-zod-error';
import { secretMasker } from '../domain/secret-mask';

/** Our own variable, not Temporal's: the queue the workers poll and the clients start workflows on. */
export const taskQueueSchema = z.string().default('scene-video');

const renamed = (name: string) =>
  z
    .undefined({
      error: `was renamed ${name}, the name Temporal's SDKs and CLI use; rename it in this process's environment`,
    })
    .optional();

/** What envconfig reads without checking, and the project's old names, which must not be ignored unnoticed. */
const checkedEnvSchema = z.object({
  // envconfig reads any value but `true` and `1` as false, so a typo would turn TLS off.
  TEMPORAL_TLS: z.enum(['true', 'false', '1', '0']).optional(),
  TEMPORAL_TLS_CERT_PATH: renamed('TEMPORAL_TLS_CLIENT_CERT_PATH'),
  TEMPORAL_TLS_KEY_PATH: renamed('TEMPORAL_TLS_CLIENT_KEY_PATH'),
});

/** Where and how to reach Temporal. `connectionOptions` holds the API key and key material: never print it. */
export interface TemporalConnection {
  address: string;
  namespace: string;
  /** The config file's profile the settings start from (the variables override its fields). */
  profile?: string;
  connectionOptions: TemporalConnectionOptions;
}

/**
 * What both `Connection.connect` (client) and `NativeConnection.connect` (worker) take from envconfig; stated here so
 * the client library's declarations do not pull in the worker's (`ClientConnectConfig` is typed by the worker's).
 */
export type TemporalConnectionOptions = Pick<ConnectionOptions, 'tls' | 'metadata'> & {
  address: string;
  apiKey?: string;
};

const defaults = { address: 'localhost:7233', namespace: 'default' };

/**
 * The connection Temporal's SDKs and CLI would make from this environment (envconfig): TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*, over the TOML profile that
 * TEMPORAL_PROFILE names in TEMPORAL_CONFIG_FILE (default: temporalio/temporal.toml in the user's config directory).
 * Every failure is one message saying what to fix, without secrets.
 */
export function loadTemporalConnection(env: NodeJS.ProcessEnv = process.env): TemporalConnection {
  const vars = envconfigVars(env);
  const checked = checkedEnvSchema.safeParse(vars);
  if (!checked.success) throw new Error(`Invalid Temporal connection settings: ${formatZodError(checked.error)}`);
  const profile = chosenProfile(vars);
  const settings = fromConfigFile(vars, () =>
    // Without a profile the file adds nothing; not reading it again also spares envconfig a file without profiles.
    loadClientConfigProfile({ profile, overrideEnvVars: vars, disableFile: profile === undefined }),
  );
  const { connectionOptions, namespace } = withTlsFiles(settings);
  const address = connectionOptions.address ?? defaults.address;
  const { tls, metadata } = connectionOptions;
  // A key read from a mounted file often ends in a newline, which no gRPC header may carry.
  const apiKey = connectionOptions.apiKey?.trim();
  refuseUnsendable("TEMPORAL_API_KEY (or the profile's api_key)", apiKey);
  for (const [name, value] of Object.entries(metadata ?? {})) {
    if (typeof value === 'string')
      refuseUnsendable(`the gRPC header ${name} (TEMPORAL_GRPC_META_*, or grpc_meta)`, value);
  }
  return {
    address,
    namespace: namespace ?? defaults.namespace,
    profile,
    connectionOptions: { address, apiKey, tls, metadata },
  };
}

/** gRPC sends header values as printable ASCII only; a transport refusing one quotes it whole, secret included. */
function refuseUnsendable(what: string, value: string | undefined): void {
  if (value !== undefined && !/^[\x20-\x7e]*$/.test(value)) {
    throw new Error(
      `${what} holds a character a gRPC header cannot carry (a control character or non-ASCII); fix the value, ` +
        'which is not shown here.',
    );
  }
}

/** For a server that does not answer: people with the package have no `npm run stack`. */
export const unreachableHint =
  'Check TEMPORAL_ADDRESS (or the profile), or start a server: `temporal server start-dev`, or `npm run stack` in a clone.';

/** The API key and header values: what some transports quote, and what no message or log line may show. */
export function connectionSecrets(temporal: Pick<TemporalConnection, 'connectionOptions'>): string[] {
  const { apiKey, metadata } = temporal.connectionOptions;
  return [apiKey, ...Object.values(metadata ?? {})].filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

/** A connection error's message without the connection's secrets. */
export function withoutSecrets(message: string, temporal: Pick<TemporalConnection, 'connectionOptions'>): string {
  return secretMasker(connectionSecrets(temporal))(message);
}

/**
 * The environment as envconfig takes it. A blank variable counts as unset, as the worker always read them (a compose
 * file's `TEMPORAL_API_KEY=` must not turn TLS on); a blank TEMPORAL_GRPC_META_* keeps envconfig's meaning, removing
 * that header from the profile.
 */
function envconfigVars(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && (entry[1].trim() !== '' || entry[0].startsWith('TEMPORAL_GRPC_META_')),
    ),
  );
}

function configFileName(vars: Record<string, string>): string {
  return vars.TEMPORAL_CONFIG_FILE ?? 'the Temporal config file (temporalio/temporal.toml in your config directory)';
}

/** TEMPORAL_PROFILE, else the file's `default` profile when it has one. */
function chosenProfile(vars: Record<string, string>): string | undefined {
  const profiles = fromConfigFile(vars, (): ClientConfig['profiles'] => {
    // envconfig reads a missing file as an empty one; a file named on purpose must be there.
    if (vars.TEMPORAL_CONFIG_FILE !== undefined) accessSync(vars.TEMPORAL_CONFIG_FILE, constants.R_OK);
    try {
      return loadClientConfig({ overrideEnvVars: vars }).profiles;
    } catch (err) {
      // envconfig 1.24 throws a TypeError on a file without any [profile.*] table (an empty file, /dev/null).
      if (err instanceof TypeError) return {};
      throw err;
    }
  });
  const wanted = vars.TEMPORAL_PROFILE;
  if (wanted === undefined) return Object.hasOwn(profiles, 'default') ? 'default' : undefined;
  if (Object.hasOwn(profiles, wanted)) return wanted;
  const names = Object.keys(profiles);
  throw new Error(
    `TEMPORAL_PROFILE=${wanted} names no profile in ${configFileName(vars)}, which ` +
      (names.length > 0 ? `has: ${names.join(', ')}` : 'has none or does not exist') +
      `; set TEMPORAL_PROFILE to one of its profiles, or TEMPORAL_CONFIG_FILE to the file with [profile.${wanted}].`,
  );
}

/** Runs an envconfig call on the config file, turning its failures into what to fix (its TOML errors quote lines). */
function fromConfigFile<T>(vars: Record<string, string>, load: () => T): T {
  try {
    return load();
  } catch (err) {
    const hint = 'fix it, or point TEMPORAL_CONFIG_FILE at another file';
    if (isFileError(err)) {
      throw new Error(
        err.path === vars.TEMPORAL_CONFIG_FILE
          ? `TEMPORAL_CONFIG_FILE=${err.path} cannot be read (${err.code}); point it at a Temporal config file, or unset it.`
          : `Cannot read the Temporal config file ${err.path} (${err.code}); ${hint}.`,
      );
    }
    if (isTomlError(err)) {
      throw new Error(`${configFileName(vars)} is not valid TOML (line ${err.line}, column ${err.column}); ${hint}.`);
    }
    if (typeof (err as NodeJS.ErrnoException).code === 'string') {
      throw new Error(`Cannot read ${configFileName(vars)} (${(err as NodeJS.ErrnoException).code}); ${hint}.`);
    }
    if (!(err instanceof TypeError)) throw new Error(`Invalid Temporal connection settings: ${(err as Error).message}`);
    // A file of the wrong shape breaks envconfig with a TypeError quoting the file's values (an api_key, maybe).
    throw new Error(
      `${configFileName(vars)} does not have the shape of a Temporal config file ([profile.NAME] tables of string ` +
        `values, as \`temporal config set\` writes them); ${hint}.`,
    );
  }
}

const tlsFiles: Record<keyof Pick<ClientConfigTLS, 'clientCert' | 'clientKey' | 'serverCACert'>, string> = {
  clientCert: "TLS client certificate, named by TEMPORAL_TLS_CLIENT_CERT_PATH or the profile's tls.client_cert_path",
  clientKey: "TLS client key, named by TEMPORAL_TLS_CLIENT_KEY_PATH or the profile's tls.client_key_path",
  serverCACert:
    "TLS server CA certificate, named by TEMPORAL_TLS_SERVER_CA_CERT_PATH or the profile's tls.server_ca_cert_path",
};

/** envconfig's connection options, with the TLS files read. */
function withTlsFiles(settings: ClientConfigProfile): ClientConnectConfig {
  const tls = settings.tls;
  if (tls?.disabled !== true && (tls?.clientCert === undefined) !== (tls?.clientKey === undefined)) {
    throw new Error(
      'A TLS client certificate needs its key, and a key its certificate: set both TEMPORAL_TLS_CLIENT_CERT_PATH and ' +
        "TEMPORAL_TLS_CLIENT_KEY_PATH (or their _DATA forms, or both in the profile's tls table).",
    );
  }
  try {
    return toClientOptions(settings);
  } catch (err) {
    if (!isFileError(err)) throw err;
    const field = (Object.keys(tlsFiles) as (keyof typeof tlsFiles)[]).find((f) => {
      const source = tls?.[f];
      return source !== undefined && 'path' in source && source.path === err.path;
    });
    throw new Error(
      `Cannot read ${err.path} (${err.code}), the ${field ? tlsFiles[field] : 'TLS file'}; fix the path or the ` +
        `file's permissions.`,
    );
  }
}

function isFileError(err: unknown): err is NodeJS.ErrnoException & { path: string; code: string } {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).path === 'string' && 'code' in err;
}

/** smol-toml's TomlError, whose message quotes the offending lines (an api_key among them, maybe). */
function isTomlError(err: unknown): err is Error & { line: number; column: number } {
  return err instanceof Error && typeof (err as { line?: unknown }).line === 'number';
}
