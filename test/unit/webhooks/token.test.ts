import { describe, expect, it } from 'vitest';
import { secretMatches, signWebhookToken, verifyWebhookToken } from '../../../src/webhooks/token';

const secret = 'a'.repeat(16) + 'b'.repeat(16) + 'c'.repeat(16);
const binding = { workflowId: 'scene-video:project:p1:scene:s1', runId: '0193-run', attempt: 2 };

describe('webhook tokens', () => {
  it('verifies what it signed, binding run and attempt', () => {
    const token = signWebhookToken(secret, binding);
    expect(verifyWebhookToken(secret, token)).toEqual(binding);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a token signed with another secret', () => {
    expect(verifyWebhookToken(secret, signWebhookToken(`${secret}x`, binding))).toBeUndefined();
  });

  it('refuses every one-character change, the unused bits of the last base64 character included', () => {
    const token = signWebhookToken(secret, binding);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    let accepted = 0;
    for (let i = 0; i < token.length; i++) {
      for (const c of alphabet) {
        if (c === token[i]) continue;
        if (verifyWebhookToken(secret, token.slice(0, i) + c + token.slice(i + 1)) !== undefined) accepted++;
      }
    }
    expect(accepted).toBe(0);
  });

  it('refuses a payload re-signed for another attempt by someone without the secret', () => {
    const [version, , mac] = signWebhookToken(secret, binding).split('.');
    const other = Buffer.from(JSON.stringify([binding.workflowId, binding.runId, 1])).toString('base64url');
    expect(verifyWebhookToken(secret, `${version}.${other}.${mac}`)).toBeUndefined();
  });

  it('refuses malformed and oversized tokens without throwing', () => {
    for (const token of ['', 'v1', 'v1..', 'v2.a.b', 'v1.a.b.c', 'x'.repeat(5_000), 'v1.%%%.%%%'])
      expect(verifyWebhookToken(secret, token)).toBeUndefined();
  });

  it('compares the secret header exactly', () => {
    expect(secretMatches(secret, secret)).toBe(true);
    expect(secretMatches(secret, undefined)).toBe(false);
    expect(secretMatches(secret, `${secret} `)).toBe(false);
    expect(secretMatches(secret, secret.slice(1))).toBe(false);
  });
});
