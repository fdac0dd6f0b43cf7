import type { S3Client } from '@aws-sdk/client-s3';
import type { Catalogue } from '../contract/catalogue';
import type { AccountConcurrency } from '../domain/account-limits';
import type { GateSetup } from '../contract/provider-gate';
import type { ProviderRoute } from '../contract/provider-task';
import { noPipelineMetrics, type PipelineMetrics } from '../domain/pipeline-metrics';
import { routeRegistry } from '../providers/routes';
import type { CallOptions, VideoProviderClient } from '../providers/types';
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
  /** Where the activities record the pipeline's metrics: the worker runtime's meter; nowhere when absent. */
  metrics?: PipelineMetrics;
  /** Webhooks first (WEBHOOK_PUBLIC_URL): tasks of the routes that can notify register one; absent, every task is polled. */
  webhooks?: WebhookSettings;
  /** The provider gates' settings, for the scenes' setup; absent: no breaker, and only limited providers are gated. */
  gate?: GateSetup;
  /**
   * What each account runs at once, lowering the entries' `maxInFlight` in the scenes' setup (read once before the
   * worker polls, then as it ages); absent: the catalogue's limits alone.
   */
  accountConcurrency?: { current(): AccountConcurrency; refresh(): Promise<void> };
}

export interface WebhookSettings {
  /** The base URL the receiver is reached at from the provider. */
  publicUrl: string;
  /** Sent by the provider in `x-webhook-secret`; signs the tokens. */
  secret: string;
  /** How often a scene waiting for a webhook asks the provider itself. */
  backstopMs: number;
}

export function metricsOf(deps: Pick<ActivityDeps, 'metrics'>): PipelineMetrics {
  return deps.metrics ?? noPipelineMetrics;
}

/** The options of every provider call an activity makes: its cancellation, the timeout, and the HTTP call metrics. */
export function callOptions(
  deps: Pick<ActivityDeps, 'metrics' | 'requestTimeoutMs'>,
  signal: AbortSignal,
): CallOptions & { timeoutMs: number } {
  const metrics = metricsOf(deps);
  return {
    signal,
    timeoutMs: deps.requestTimeoutMs ?? 30_000,
    observe: ({ endpoint, statusClass, seconds }) => {
      metrics.add('httpRequests', 1, { endpoint, status_class: statusClass });
      metrics.record('httpSeconds', seconds, { endpoint });
    },
  };
}

export function configuredProviders(deps: Pick<ActivityDeps, 'catalogue' | 'providers'>): string[] {
  return deps.catalogue.filter((p) => deps.providers[p.route] !== undefined).map((p) => p.key);
}

export function clientFor(deps: Pick<ActivityDeps, 'providers'>, route: ProviderRoute): VideoProviderClient {
  const client = deps.providers[route];
  if (!client) throw new Error(`no ${route} client configured on this worker (missing ${routeRegistry[route].keyEnv})`);
  return client;
}
