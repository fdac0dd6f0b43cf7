import type { Logger } from '@temporalio/worker';
import type { WebhookOutcome } from '../webhooks/receiver';

const refused = new Set<WebhookOutcome>(['bad_secret', 'bad_token', 'unreadable', 'too_large', 'temporal_unavailable']);

/** Refusals and undelivered webhooks are warnings (a forgery, a misconfigured secret, an outage); the rest is debug. */
export function webhookReporter(logger: Logger) {
  return (outcome: WebhookOutcome, message: string): void => {
    if (refused.has(outcome)) logger.warn(message, { webhookOutcome: outcome });
    else logger.debug(message, { webhookOutcome: outcome });
  };
}
