import { Client } from '@temporalio/client';
import type { Logger, NativeConnection } from '@temporalio/worker';
import type { WorkerEnv } from '../config/environment';
import { startWebhookServer, type WebhookOutcome, type WebhookServer } from '../webhooks/receiver';

const refused = new Set<WebhookOutcome>(['bad_secret', 'bad_token', 'unreadable', 'too_large', 'temporal_unavailable']);

/** Refusals and undelivered webhooks are warnings (a forgery, a misconfigured secret, an outage); the rest is debug. */
export function webhookReporter(logger: Logger) {
  return (outcome: WebhookOutcome, message: string): void => {
    if (refused.has(outcome)) logger.warn(message, { webhookOutcome: outcome });
    else logger.debug(message, { webhookOutcome: outcome });
  };
}

/**
 * The webhook receiver in a worker process, when WEBHOOK_PORT asks for it: it signals the scenes over the worker's own
 * connection, and logs through the worker's logger.
 */
export async function serveWorkerWebhooks(
  env: WorkerEnv,
  connection: NativeConnection,
  namespace: string,
  logger: Logger,
): Promise<WebhookServer | undefined> {
  if (env.WEBHOOK_PORT === undefined || env.WEBHOOK_SECRET === undefined) return undefined;
  return startWebhookServer({
    secret: env.WEBHOOK_SECRET,
    client: new Client({ connection, namespace }).workflow,
    host: env.WEBHOOK_HOST,
    port: env.WEBHOOK_PORT,
    report: webhookReporter(logger),
  });
}
