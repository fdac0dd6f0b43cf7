import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError, type WorkflowClient } from '@temporalio/client';
import { piapiWebhookPath, providerTaskEvent } from '../contract/provider-webhook';
import { parsePiapiTask } from '../providers';
import { secretMatches, verifyWebhookToken } from './token';

/** A PiAPI notification is one task object of a few KiB; anything far larger is not one. */
export const maxWebhookBodyBytes = 256 * 1024;

export type WebhookOutcome =
  | 'delivered'
  | 'stale'
  | 'queued'
  | 'repeat'
  | 'bad_secret'
  | 'bad_token'
  | 'unreadable'
  | 'too_large'
  | 'temporal_unavailable'
  | 'not_found'
  | 'method_not_allowed';

export interface WebhookReceiverOptions {
  secret: string;
  client: Pick<WorkflowClient, 'getHandle'>;
  /** Told of every request's outcome, with a sentence for people; never the token, the secret or the body. */
  report?: (outcome: WebhookOutcome, message: string) => void;
}

const statusOf: Record<WebhookOutcome, number> = {
  delivered: 200,
  // Answered 200 so the provider stops redelivering: the run it names has ended, or was never this deployment's.
  stale: 200,
  // The scene knows its task is queued from the create: signalling it would cost a workflow task and tell nothing.
  queued: 200,
  // PiAPI notifies on every log update too ("dedupe by task_id + status", its docs): each signal is history.
  repeat: 200,
  bad_secret: 401,
  bad_token: 403,
  unreadable: 400,
  too_large: 413,
  // Anything but 200 makes PiAPI redeliver: the notification is not lost while Temporal is unreachable.
  temporal_unavailable: 503,
  not_found: 404,
  method_not_allowed: 405,
};

/**
 * PiAPI's webhooks, verified and delivered to the scene that created the task: `x-webhook-secret` must be the secret,
 * the URL's last segment a token signed with it (bound to one run of one scene and one attempt), the body a task. The
 * signal goes to that run only; a run that has ended answers 200 and nothing happens. Duplicates and notifications of
 * earlier attempts reach the workflow, which keeps the first terminal state of its current attempt's task.
 */
export function createWebhookHandler(options: WebhookReceiverOptions) {
  const report = options.report ?? (() => undefined);
  const delivered = new RecentKeys(maxRememberedDeliveries);
  const answer = (res: ServerResponse, outcome: WebhookOutcome, message: string) => {
    report(outcome, message);
    res.writeHead(statusOf[outcome], { 'content-type': 'application/json' });
    res.end(JSON.stringify({ outcome }));
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://receiver').pathname;
    // Under any prefix: WEBHOOK_PUBLIC_URL may carry a path, which a proxy in front may pass on or strip.
    const route = path.lastIndexOf(piapiWebhookPath);
    if (route < 0) return answer(res, 'not_found', `no webhook route at ${req.method} ${path.slice(0, 64)}`);
    if (req.method !== 'POST') return answer(res, 'method_not_allowed', `${req.method} refused: webhooks are POSTed`);
    const header = req.headers['x-webhook-secret'];
    if (!secretMatches(options.secret, typeof header === 'string' ? header : undefined))
      return answer(res, 'bad_secret', 'webhook refused: x-webhook-secret is missing or wrong');
    const token = path.slice(route + piapiWebhookPath.length);
    const binding = verifyWebhookToken(options.secret, token);
    if (!binding) return answer(res, 'bad_token', 'webhook refused: its URL token was not signed with WEBHOOK_SECRET');

    const where = `scene ${binding.workflowId} attempt ${binding.attempt}`;
    const body = await readBody(req, maxWebhookBodyBytes);
    if (body === undefined)
      return answer(res, 'too_large', `webhook for ${where} refused: over ${maxWebhookBodyBytes} bytes`);
    let snapshot;
    try {
      snapshot = parsePiapiTask(JSON.parse(body) as unknown);
    } catch (err) {
      return answer(
        res,
        'unreadable',
        `webhook for ${where} is not a PiAPI task: ${(err as Error).message.slice(0, 200)}`,
      );
    }
    if (snapshot.state === 'queued')
      return answer(res, 'queued', `webhook for ${where}: task ${snapshot.taskId} queued; nothing to tell the scene`);
    const key = `${token}\n${snapshot.taskId}\n${snapshot.state}`;
    if (delivered.has(key))
      return answer(
        res,
        'repeat',
        `webhook for ${where}: task ${snapshot.taskId} ${snapshot.state} again; already delivered`,
      );
    try {
      await options.client
        .getHandle(binding.workflowId, binding.runId)
        .signal(providerTaskEvent, { attempt: binding.attempt, snapshot });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError)
        return answer(res, 'stale', `webhook for ${where}, task ${snapshot.taskId}: that run has ended; ignored`);
      return answer(
        res,
        'temporal_unavailable',
        `webhook for ${where} not delivered, the provider will resend it: ${describeSignalFailure(err)}`,
      );
    }
    delivered.add(key);
    answer(res, 'delivered', `webhook for ${where}: task ${snapshot.taskId} ${snapshot.state}`);
  };
}

/** The client says only "Failed to signal Workflow"; what the server said, or why none answered, is in its cause. */
function describeSignalFailure(err: unknown): string {
  const { message, cause } = err as Error;
  return cause instanceof Error && cause.message !== '' ? `${message}: ${cause.message}` : message;
}

/** Deliveries this receiver remembers, oldest forgotten first: a few MiB at most. */
const maxRememberedDeliveries = 20_000;

/** A bounded set that forgets its oldest keys first. */
class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.add(key);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.values().next().value!);
  }
}

/** The body as text, or undefined once it passes `limit` bytes (the rest is not read). */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const announced = Number(req.headers['content-length']);
  if (Number.isFinite(announced) && announced > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface WebhookServer {
  /** `host:port` as bound. */
  address: string;
  close(): Promise<void>;
}

/** Serves the receiver on `host:port`; a taken port fails the start, naming the variable to change. */
export async function startWebhookServer(
  options: WebhookReceiverOptions & { host: string; port: number },
): Promise<WebhookServer> {
  const handle = createWebhookHandler(options);
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.report?.('unreadable', `webhook request failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(400).end();
      else res.destroy();
    });
  });
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `The webhook receiver cannot listen on ${options.host}:${options.port} (${err.code ?? err.message}): set WEBHOOK_PORT to a free port, or unset it to serve no receiver here.`,
        ),
      ),
    );
    server.listen(options.port, options.host, resolve);
  });
  const bound = server.address() as AddressInfo;
  return {
    address: `${bound.address.includes(':') ? `[${bound.address}]` : bound.address}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
