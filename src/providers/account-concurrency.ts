import type { ProviderRoute } from '../contract/provider-task';
import type { AccountConcurrency } from '../domain/account-limits';
import type { VideoProviderClient } from './types';

/**
 * The routes whose account pre-flight reports how many generations each model runs at once: Runway's
 * `GET /v1/organization`, `tier.models[model].maxConcurrentGenerations`, per organization rather than per key (official
 * SDK runwayml/sdk-node; runway-api.md, "Limits"). PiAPI's `/account/info` reports none.
 */
const routesReportingConcurrency: readonly ProviderRoute[] = ['runway'];

/** Account limits change with the plan, not by the minute. */
const refreshEveryMs = 10 * 60_000;
/** Sooner after a failed read: meanwhile this worker's scenes carry no account limit, or an old one. */
const retryFailedReadAfterMs = 60_000;
const readTimeoutMs = 10_000;

/**
 * What each configured account runs at once, read at the worker's start and again when ten minutes old, or one minute
 * after a failed read (on the next scene that asks; no timer). A read that fails keeps the last answer, or none: the
 * provider still enforces its own limit, so the worker only loses the wait at the gate.
 */
export class AccountConcurrencyReader {
  private limits: AccountConcurrency = {};
  private readAt = -Infinity;
  private reading?: Promise<void>;

  constructor(
    private readonly clients: Partial<Record<ProviderRoute, VideoProviderClient>>,
    private readonly warn: (line: string) => void,
  ) {}

  /** The last answer; starts a fresh read in the background when it is due. */
  current(): AccountConcurrency {
    if (Date.now() - this.readAt >= refreshEveryMs) void this.refresh();
    return this.limits;
  }

  /** Reads every account that reports concurrency; concurrent calls share one read. Never throws. */
  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<void> {
    this.readAt = Date.now();
    let failed = false;
    const next: AccountConcurrency = { ...this.limits };
    await Promise.all(
      routesReportingConcurrency.map(async (route) => {
        const client = this.clients[route];
        if (!client) return;
        try {
          const account = await client.getAccount({ timeoutMs: readTimeoutMs });
          next[route] = Object.fromEntries(
            Object.entries(account.models).flatMap(([model, limits]) =>
              limits.maxConcurrentGenerations === undefined ? [] : [[model, limits.maxConcurrentGenerations]],
            ),
          );
        } catch (err) {
          failed = true;
          this.warn(
            `Could not read the ${route} account's concurrency limits (${err instanceof Error ? err.message : String(err)}); ` +
              (next[route] ? 'keeping the last ones read' : 'its entries have no account limit at their gates') +
              '. `scene-video providers --check` shows what the account answers.',
          );
        }
      }),
    );
    this.limits = next;
    if (failed) this.readAt = Date.now() - refreshEveryMs + retryFailedReadAfterMs;
  }
}
