import type { ActivityDeps } from '../../src/activities';
import { type Catalogue } from '../../src/contract/catalogue';
import { defaultCatalogue } from '../../src/config/catalogue';
import type { GateSetup } from '../../src/contract/provider-gate';
import type { ProviderRoute } from '../../src/contract/provider-task';
import { routeClients } from '../../src/providers/routes';
import { AccountConcurrencyReader } from '../../src/providers/account-concurrency';
import { sandboxRouteEnv } from '../../dev/harness/sandbox-routes';
import type { Sandbox } from '../../dev/sandbox';
import { s3ClientFor, type S3Endpoint } from '../../dev/stack/s3-server';

export interface SandboxDepsOptions {
  routes?: ProviderRoute[];
  failureMode?: 'provider-url' | 'fail';
  catalogue?: Catalogue;
  /** Where clips are stored in the bucket; `ai-videos` by default. */
  prefix?: string;
  /** The provider gates' settings (the worker's PROVIDER_BREAKER_* and PROVIDER_GATE_* variables); none by default. */
  gate?: GateSetup;
  /** Read the accounts' concurrency, as a worker from the environment does; off by default. */
  accountLimits?: boolean;
}

/** Activity dependencies wired to an in-process sandbox over HTTP and to a real S3 server. */
export function sandboxActivityDeps(sandbox: Sandbox, s3: S3Endpoint, opts: SandboxDepsOptions = {}): ActivityDeps {
  const providers = routeClients(sandboxRouteEnv(sandbox, opts.routes));
  return {
    catalogue: opts.catalogue ?? defaultCatalogue,
    providers,
    ...(opts.accountLimits && {
      accountConcurrency: new AccountConcurrencyReader(providers, (line) => console.warn(line)),
    }),
    s3: s3ClientFor(s3),
    storage: { bucket: s3.bucket, prefix: opts.prefix ?? 'ai-videos', failureMode: opts.failureMode ?? 'provider-url' },
    download: { sandboxOrigin: sandbox.origin, maxBytes: 512 * 1024 * 1024 },
    requestTimeoutMs: 5_000,
    ...(opts.gate && { gate: opts.gate }),
  };
}
