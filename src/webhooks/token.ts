import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a webhook token binds a provider's notification to: one run of one scene, and one of its attempts. */
export interface WebhookBinding {
  workflowId: string;
  runId: string;
  attempt: number;
}

const version = 'v1';
const maxTokenChars = 1_024;

/**
 * The token's signing key, derived from WEBHOOK_SECRET rather than the secret itself: the secret also travels in every
 * webhook's `x-webhook-secret` header, and a key that never leaves the worker keeps the two uses apart.
 */
function signingKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('scene-video webhook token key v1').digest();
}

function signature(secret: string, payload: string): Buffer {
  return createHmac('sha256', signingKey(secret)).update(`${version}.${payload}`).digest();
}

/**
 * `v1.<base64url payload>.<base64url HMAC-SHA256>`: verifiable with the secret alone, so the receiver needs no database,
 * and unguessable without it. The payload is the binding itself, readable but not forgeable.
 */
export function signWebhookToken(secret: string, binding: WebhookBinding): string {
  const payload = Buffer.from(JSON.stringify([binding.workflowId, binding.runId, binding.attempt])).toString(
    'base64url',
  );
  return `${version}.${payload}.${signature(secret, payload).toString('base64url')}`;
}

/** The binding a token was signed for; undefined for anything not signed with this secret (no reason is given out). */
export function verifyWebhookToken(secret: string, token: string): WebhookBinding | undefined {
  if (token.length > maxTokenChars) return undefined;
  const [tokenVersion, payload, mac, ...rest] = token.split('.');
  if (tokenVersion !== version || payload === undefined || mac === undefined || rest.length > 0) return undefined;
  // Compared as text: decoding first would accept a last character that differs only in base64's unused bits.
  const expected = Buffer.from(signature(secret, payload).toString('base64url'));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const [workflowId, runId, attempt] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[];
    if (typeof workflowId !== 'string' || typeof runId !== 'string' || !Number.isSafeInteger(attempt)) return undefined;
    return { workflowId, runId, attempt: attempt as number };
  } catch {
    return undefined;
  }
}

/** Compares the header PiAPI sends with the configured secret in constant time. */
export function secretMatches(secret: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const a = createHmac('sha256', 'compare').update(secret).digest();
  const b = createHmac('sha256', 'compare').update(header).digest();
  return timingSafeEqual(a, b);
}
