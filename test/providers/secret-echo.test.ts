/**
 * Regression (attack on issue #12: secrets in error messages). A provider reply that echoes the API key JSON-escaped
 * (`\u0073k…`, or `\/` as PHP's json_encode writes slashes) used to pass sendJson's mask on the raw text; JSON.parse
 * then decoded it back into the plain key, which reached the ProviderError message (and from there the activity
 * failure, history and logs). The parsed body is now masked string by string, and so is the text errors quote.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPiapiClient, createRunwayClient } from '../../src/providers';
import { sendJson } from '../../src/providers/http';

const apiKey = 'sk-live-0123456789abcdef';
const slashKey = 'key/with/slashes-0123456789';

const percentAll = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const escapeAll = (s: string) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
const keyOf = (req: IncomingMessage) =>
  String(req.headers['x-api-key'] ?? req.headers.authorization ?? '').replace(/^Bearer /, '');

/** What the server answers, by path: each a 401 that echoes the key it was given in some encoding. */
const replies: Record<string, (key: string) => string> = {
  // Every character \u-escaped, in the field the clients quote.
  '/message': (key) =>
    `{"code":401,"message":"invalid api key ${escapeAll(key)}","error":"invalid api key ${escapeAll(key)}"}`,
  // Slashes as \/ (PHP's json_encode), in a field no client quotes: the error falls back to an excerpt of the text.
  '/unquoted': (key) => `{"code":401,"detail":{"given":"${key.replace(/\//g, '\\/')}"}}`,
  // The key as an object key.
  '/as-key': (key) => `{"${escapeAll(key)}":"rejected"}`,
  // Escaped twice: an upstream's JSON error quoted as a string inside this JSON (the key reads `\\u0073…` on the wire).
  '/nested': (key) =>
    `{"code":401,"message":${JSON.stringify(`{"error":"invalid api key ${escapeAll(key)}"}`)},"error":"unauthorized"}`,
  // Percent-encoded, every byte (upper and lower case hex) and as encodeURIComponent writes it (only `/` encoded).
  '/percent': (key) =>
    `{"code":401,"message":"invalid api key ${percentAll(key)} (${percentAll(key).toUpperCase()}, ${encodeURIComponent(key)})"}`,
  // Percent-encoded twice, as a redirect URL inside a query string.
  '/percent-twice': (key) =>
    `{"code":401,"message":"see /login?next=${encodeURIComponent(`/auth?key=${percentAll(key)}`)}"}`,
};

/** Not JSON: a plain-text reply that quotes the key with \u escapes (a proxy's error page). */
const textReplies: Record<string, (key: string) => string> = {
  '/text-escaped': (key) => `401 Unauthorized: invalid api key "${escapeAll(key)}"`,
  '/text-percent': (key) => `401 Unauthorized: GET /v1/tasks?key=${percentAll(key)}`,
};

/**
 * Everything a reader could decode a text into: \u escapes and percent-encoding undone, repeatedly, and `\/` as `/`.
 * A test checks the key is not in there, so an escaped key counts as leaked.
 */
function decoded(text: string): string {
  for (let i = 0; i < 5; i++) {
    const next = text
      .replace(/\\+u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/\\+\//g, '/')
      .replace(/(?:%[0-9a-fA-F]{2})+/g, (m) => {
        try {
          return decodeURIComponent(m);
        } catch {
          return m;
        }
      });
    if (next === text) return text;
    text = next;
  }
  return text;
}

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const text = Object.keys(textReplies).find((p) => req.url?.startsWith(p));
    if (text) {
      res.writeHead(401, { 'content-type': 'text/plain' });
      return res.end(textReplies[text]!(keyOf(req)));
    }
    const path = Object.keys(replies).find((p) => req.url?.startsWith(p)) ?? '/message';
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(replies[path]!(keyOf(req)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const everything = (err: unknown) => decoded(`${String(err)} ${JSON.stringify(err)} ${(err as Error).stack ?? ''}`);

it('an error never carries the API key, however the reply encodes it', async () => {
  const client = createPiapiClient({ baseUrl, apiKey, timeoutMs: 5_000 });
  const err = await client.getTask('task-1').catch((e: unknown) => e);
  console.log(String(err));
  expect(err).toBeInstanceOf(Error);
  expect(everything(err)).not.toContain(apiKey);
  expect((err as Error).message).toContain('[redacted]');
});

describe.each([
  ['PiAPI', (base: string, key: string) => createPiapiClient({ baseUrl: base, apiKey: key, timeoutMs: 5_000 })],
  ['Runway', (base: string, key: string) => createRunwayClient({ baseUrl: base, apiKey: key, timeoutMs: 5_000 })],
])('%s client', (_name, make) => {
  it.each([...Object.keys(replies), ...Object.keys(textReplies)])('reply %s: the key is in no error', async (path) => {
    for (const key of [apiKey, slashKey]) {
      const err = await make(`${baseUrl}${path}`, key)
        .getTask('task-1')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(everything(err)).not.toContain(key);
    }
  });
});

it('sendJson masks the decoded body and the text alike, and leaves a reply without the key as it was', async () => {
  const call = (path: string, secret: string) =>
    sendJson({
      method: 'GET',
      url: `${baseUrl}${path}`,
      headers: { 'x-api-key': secret },
      secret,
      label: 'Test GET',
      urlTemplate: '/',
      timeoutMs: 5_000,
    });
  for (const path of Object.keys(replies)) {
    const reply = await call(path, slashKey);
    expect(JSON.stringify(reply.json)).not.toContain(slashKey);
    expect(decoded(reply.text)).not.toContain(slashKey);
    expect(decoded(JSON.stringify(reply.json))).not.toContain(slashKey);
    expect(JSON.stringify(JSON.parse(reply.text))).toBe(JSON.stringify(reply.json));
    expect(reply.text).toContain('[redacted]');
  }
  for (const path of Object.keys(textReplies)) {
    const reply = await call(path, apiKey);
    expect(reply.json).toBeUndefined();
    expect(decoded(reply.text)).not.toContain(apiKey);
    expect(reply.text).toBe(
      textReplies[path]!(apiKey).replace(/(".*"|key=.*)$/, (m) =>
        m.startsWith('"') ? '"[redacted]"' : 'key=[redacted]',
      ),
    );
  }
  // Another key than the one echoed: nothing to mask, the body arrives byte for byte.
  const other = await sendJson({
    method: 'GET',
    url: `${baseUrl}/unquoted`,
    headers: { 'x-api-key': slashKey },
    secret: 'not-the-echoed-key',
    label: 'Test GET',
    urlTemplate: '/',
    timeoutMs: 5_000,
  });
  expect(other.text).toBe(replies['/unquoted']!(slashKey));
});
