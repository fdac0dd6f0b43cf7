/**
 * Attack on secrets in error messages (issue #12 defect 3 touched the reply path). sendJson masks the API key in the
 * reply's raw text, then parses JSON from it; error messages are built from the parsed `message`. A reply that echoes
 * the key with JSON escapes (`\u0073k…`, or `\/` as PHP's json_encode writes slashes) passes the mask unchanged, and
 * JSON.parse turns it back into the plain key, which lands in the ProviderError message, then the activity failure,
 * workflow history and logs. Mask the parsed values (or parse first and mask every string), not only the raw text.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPiapiClient } from '../../src/providers';

const apiKey = 'sk-live-0123456789abcdef';
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    // A 401 that echoes the key it was given, with every character JSON-escaped.
    const escaped = [...String(req.headers['x-api-key'])]
      .map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .join('');
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(`{"code":401,"message":"invalid api key ${escaped}"}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

it('an error never carries the API key, however the reply encodes it', async () => {
  const client = createPiapiClient({ baseUrl, apiKey, timeoutMs: 5_000 });
  const err = await client.getTask('task-1').catch((e: unknown) => e);
  const text = `${String(err)} ${JSON.stringify(err)} ${(err as Error).stack ?? ''}`;
  console.log(String(err));
  expect(err).toBeInstanceOf(Error);
  expect(text).not.toContain(apiKey);
});
