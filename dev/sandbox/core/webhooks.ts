import type { StatsRecorder } from './stats';
import { sleep } from './time';

export interface WebhookTarget {
  endpoint: string;
  secret: string;
}

export interface WebhookPolicy {
  retries: number;
  retryDelayMs: number;
}

const ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * PiAPI-style webhook delivery: POST `{timestamp, data}`, `x-webhook-secret` when a secret is set, redelivery on
 * any answer but 200. Notifications of one task go out in order, so a receiver never sees `completed` before
 * `processing` merely because of a slow retry.
 */
export class WebhookSender {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly closing = new AbortController();

  constructor(
    private readonly stats: StatsRecorder,
    private readonly policy: () => WebhookPolicy,
  ) {}

  send(taskId: string, target: WebhookTarget, data: unknown): void {
    const body = JSON.stringify({ timestamp: Math.floor(Date.now() / 1000), data });
    const previous = this.chains.get(taskId) ?? Promise.resolve();
    const next = previous.then(() => this.deliver(target, body));
    this.chains.set(taskId, next);
    void next.finally(() => {
      if (this.chains.get(taskId) === next) this.chains.delete(taskId);
    });
  }

  close(): void {
    this.closing.abort();
  }

  private async deliver(target: WebhookTarget, body: string): Promise<void> {
    const { retries, retryDelayMs } = this.policy();
    for (let attempt = 0; !this.closing.signal.aborted; attempt++) {
      const ok = await this.post(target, body);
      const last = attempt >= retries;
      this.stats.webhook(ok ? 'delivered' : last ? 'failed' : 'retried');
      if (ok || last) return;
      await sleep(retryDelayMs, this.closing.signal);
    }
  }

  private async post(target: WebhookTarget, body: string): Promise<boolean> {
    try {
      const res = await fetch(target.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(target.secret ? { 'x-webhook-secret': target.secret } : {}),
        },
        body,
        signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }
}
