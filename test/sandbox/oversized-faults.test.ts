import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../dev/sandbox';
import { fast, gen45Body, klingBody, runway } from './http';
import { useSandbox } from './use-sandbox';

let sb: Sandbox;
useSandbox((started) => (sb = started));

/** Reads at most `limit` bytes of a reply, then hangs up: what a careful client does with an endless body. */
function readSome(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: unknown },
  limit: number,
): Promise<{ status: number; length?: string; bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: { ...init.headers, 'content-type': 'application/json' } });
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      const done = () =>
        resolve({
          status: res.statusCode ?? 0,
          length: res.headers['content-length'],
          bytes,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        chunks.push(chunk);
        if (bytes >= limit) {
          req.destroy();
          done();
        }
      });
      res.once('end', done);
    });
    req.end(init.body === undefined ? undefined : JSON.stringify(init.body));
  });
}

describe('oversized reply faults', () => {
  it('oversized_create creates the (paid) task and answers with a body that never ends', async () => {
    sb.setScenario({ ...fast, default: { ...fast.default, faults: [{ kind: 'oversized_create' }] } });
    const headers = { 'x-api-key': sb.apiKeys.piapi };
    const reply = await readSome(
      `${sb.piapiBaseUrl}/api/v1/task`,
      { method: 'POST', headers, body: klingBody() },
      8 << 20,
    );
    expect(reply.status).toBe(200);
    expect(reply.length).toBeUndefined();
    expect(reply.bytes).toBeGreaterThanOrEqual(8 << 20);
    expect(reply.text).toMatch(/^\{"code":200,"data":\{"task_id":"[0-9a-f-]+"/);
    expect(sb.stats().tasksCreated).toEqual({ 'piapi:kling': 1 });
  });

  it('oversized_get answers a poll with a JSON body of exactly `bytes`, once, then normally', async () => {
    sb.setScenario({
      ...fast,
      default: { ...fast.default, faults: [{ kind: 'oversized_get', bytes: 3_000_000, times: 1 }] },
    });
    const created = await runway(sb).textToVideo(gen45Body());
    const id = created.json.id as string;
    const url = `${sb.runwayBaseUrl}/v1/tasks/${id}`;
    const big = await readSome(url, { method: 'GET', headers: runway(sb).headers }, Infinity);
    expect(big).toMatchObject({ status: 200, length: '3000000', bytes: 3_000_000 });
    expect(JSON.parse(big.text)).toMatchObject({ id, padding: expect.stringMatching(/^x+$/) });
    expect((await runway(sb).get(id)).json).not.toHaveProperty('padding');
  });
});
