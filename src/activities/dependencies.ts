import type { S3Client } from '@aws-sdk/client-s3';
import type { Catalogue } from '../contract/catalogue';
import type { ProviderRoute } from '../contract/provider-task';
import { routeRegistry } from '../providers/routes';
import type { VideoProviderClient } from '../providers/types';
import type { DownloadPolicy } from './upload/video-download';

/** Everything activities touch, injected so tests and the demo wire real clients to the sandbox or the real APIs. */
export interface ActivityDeps {
  catalogue: Catalogue;
  /** One client per configured API route; a provider is configured when its route has a client. */
  providers: Partial<Record<ProviderRoute, VideoProviderClient>>;
  s3: S3Client;
  storage: { bucket: string; prefix: string; failureMode: 'provider-url' | 'fail' };
  download: DownloadPolicy;
  /** Provider HTTP call timeout. */
  requestTimeoutMs?: number;
}

export function configuredProviders(deps: Pick<ActivityDeps, 'catalogue' | 'providers'>): string[] {
  return deps.catalogue.filter((p) => deps.providers[p.route] !== undefined).map((p) => p.key);
}

export function clientFor(deps: Pick<ActivityDeps, 'providers'>, route: ProviderRoute): VideoProviderClient {
  const client = deps.providers[route];
  if (!client) throw new Error(`no ${route} client configured on this worker (missing ${routeRegistry[route].keyEnv})`);
  return client;
}
