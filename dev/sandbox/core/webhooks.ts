import { setMaxListeners } from 'node:events';
import type { ForgeryKind, Scenario } from './scenario';
import type { ScenarioRuntime } from './scenario-runtime';
import type { StatsRecorder } from './stats';
import { sleep } from './time';

export interface WebhookTarget {
  endpoint: string;
  secret: string;
}

/** One status change of a task, as the emulator renders it, and what a forger would send beside it. */
export interface WebhookNotification {
  taskId: string;
  target: WebhookTarget;
  data: unknown;
  /** The task's last notification: `reorder` never holds it back, and it releases one held back. */
  final: boolean;
  /** The task claiming `completed` with `url` as its video. */
  forgedCompletion(url: string): unknown;
  /** Another task's body, for the `cross_task` forgery (`url`: its video when it has to be made up). */
  crossTaskData(url: string): unknown;
}

type Forge = NonNullable<Scenario['webhook']['forge']>;
type Job = () => Promise<void>;

interface TaskQueue {
  chain: Promise<void>;
  /** A notification `reorder` holds back until the task's next one is sent. */
  held?: Job;
}

const ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * PiAPI-style webhook delivery: POST `{timestamp, data}`, `x-webhook-secret` when a secret is set, redelivery on
 * any answer but 200. Notifications of one task go out in order, so a receiver never sees `completed` before
 * `processing` merely because of a slow retry; only the `reorder` fault breaks the order, on purpose. The faults of
 * `scenario.webhook` are drawn in a fixed order per notification: forge, lose, delay, duplicate, reorder.
 */
export class WebhookSender {
  private readonly queues = new Map<string, TaskQueue>();
  private readonly closing = new AbortController();

  constructor(
    private readonly stats: StatsRecorder,
    private readonly runtime: ScenarioRuntime,
  ) {
    // Every delivery in flight listens for the close: many at once are expected, not a leak.
    setMaxListeners(0, this.closing.signal);
  }

  send(notification: WebhookNotification): void {
    const { webhook } = this.runtime.scenario;
    const queue = this.queues.get(notification.taskId) ?? { chain: Promise.resolve() };
    this.queues.set(notification.taskId, queue);
    const jobs: Job[] = [];
    if (!notification.final && this.runtime.webhookHits(webhook.forge))
      jobs.push(...this.forgeries(notification, webhook.forge!));
    const lost = this.runtime.webhookHits(webhook.lose);
    let heldNow = false;
    if (lost) this.stats.webhookEvent('lost');
    else {
      const genuine = this.genuine(notification);
      heldNow = !notification.final && !queue.held && this.runtime.webhookHits(webhook.reorder);
      if (heldNow) {
        this.stats.webhookEvent('reordered');
        queue.held = genuine;
      } else jobs.push(genuine);
    }
    if (queue.held && !heldNow && (!lost || notification.final)) {
      jobs.push(queue.held);
      queue.held = undefined;
    }
    this.enqueue(notification.taskId, queue, jobs);
  }

  /** Forgets notifications held back by `reorder`; deliveries under way go on. */
  reset(): void {
    this.queues.clear();
  }

  close(): void {
    this.closing.abort();
  }

  private enqueue(taskId: string, queue: TaskQueue, jobs: Job[]): void {
    const next = jobs.reduce((chain, job) => chain.then(job), queue.chain);
    queue.chain = next;
    void next.finally(() => {
      if (queue.chain === next && !queue.held && this.queues.get(taskId) === queue) this.queues.delete(taskId);
    });
  }

  /** The genuine notification with its drawn delay and duplicate copies. */
  private genuine({ target, data }: WebhookNotification): Job {
    const { webhook, timeScale } = this.runtime.scenario;
    const body = JSON.stringify({ timestamp: Math.floor(Date.now() / 1000), data });
    const delayMs = this.drawDelayMs(webhook.delayMs) * timeScale;
    const copies = this.runtime.webhookHits(webhook.duplicate) ? webhook.duplicate!.copies : 0;
    this.stats.webhookEvent('sent');
    if (delayMs > 0) this.stats.webhookEvent('delayed');
    if (copies > 0) this.stats.webhookEvent('duplicated', copies);
    return async () => {
      await sleep(delayMs, this.closing.signal);
      for (let copy = 0; copy <= copies; copy++) await this.deliver(target, body);
    };
  }

  private drawDelayMs(delayMs: Scenario['webhook']['delayMs']): number {
    if (delayMs === undefined || typeof delayMs === 'number') return delayMs ?? 0;
    return delayMs.min + (delayMs.max - delayMs.min) * this.runtime.webhookRandom();
  }

  private forgeries(notification: WebhookNotification, forge: Forge): Job[] {
    const { endpoint, secret } = notification.target;
    return forge.kinds.map((kind) => {
      switch (kind) {
        case 'wrong_secret':
          return this.forgery(
            kind,
            endpoint,
            this.tamper(secret || 'secret'),
            notification.forgedCompletion(forge.url),
          );
        case 'missing_secret':
          return this.forgery(kind, endpoint, undefined, notification.forgedCompletion(forge.url));
        case 'cross_task':
          return this.forgery(kind, endpoint, secret, notification.crossTaskData(forge.url));
        case 'tampered_token':
          return this.forgery(kind, this.tamperLastSegment(endpoint), secret, notification.forgedCompletion(forge.url));
      }
    });
  }

  /** Sent once: a forger does not redeliver. */
  private forgery(kind: ForgeryKind, endpoint: string, secret: string | undefined, data: unknown): Job {
    const body = JSON.stringify({ timestamp: Math.floor(Date.now() / 1000), data });
    return async () => {
      const sent = this.stats.forgerySent(kind);
      sent.answered(await this.post(endpoint, secret, body));
    };
  }

  /** One character changed, at a drawn position, to another of its kind (digit, letter, else `-`/`_`). */
  private tamper(text: string): string {
    const at = Math.floor(this.runtime.webhookRandom() * text.length);
    return text.slice(0, at) + otherCharacter(text.charAt(at)) + text.slice(at + 1);
  }

  /** The endpoint with its last path segment (the receiver's token) tampered; a path without one gets `x`. */
  private tamperLastSegment(endpoint: string): string {
    const url = new URL(endpoint);
    const match = /([^/]+)\/?$/.exec(url.pathname);
    url.pathname = match
      ? url.pathname.slice(0, match.index) + this.tamper(match[1]!) + url.pathname.slice(match.index + match[1]!.length)
      : `${url.pathname}x`;
    return url.toString();
  }

  private async deliver(target: WebhookTarget, body: string): Promise<void> {
    const { retries, retryDelayMs } = this.runtime.scenario.webhook;
    for (let attempt = 0; !this.closing.signal.aborted; attempt++) {
      const ok = (await this.post(target.endpoint, target.secret || undefined, body)) === 200;
      const last = attempt >= retries;
      this.stats.webhook(ok ? 'delivered' : last ? 'failed' : 'retried');
      if (ok || last) return;
      await sleep(retryDelayMs * this.runtime.scenario.timeScale, this.closing.signal);
    }
  }

  /** The receiver's HTTP status, 0 when it gave none. */
  private async post(endpoint: string, secret: string | undefined, body: string): Promise<number> {
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret === undefined ? {} : { 'x-webhook-secret': secret }),
        },
        body,
        signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }
}

const alphabets = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

function otherCharacter(c: string): string {
  for (const alphabet of alphabets) {
    const i = alphabet.indexOf(c);
    if (i >= 0) return alphabet.charAt((i + 1) % alphabet.length);
  }
  return c === '-' ? '_' : '-';
}
