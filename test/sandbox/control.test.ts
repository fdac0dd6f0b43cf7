import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Sandbox, type ScenarioInput, startSandbox } from '../../dev/sandbox';
import { call, fast, gen45Body, klingBody, piapi, runway } from './http';
import { useSandbox } from './use-sandbox';

let sb: Sandbox;

useSandbox((started) => (sb = started));

describe('stats', () => {
  it('counts requests per route and status, tasks per api:model, and lists every task', async () => {
    sb.setScenario({ default: { queueMs: 5000 } });
    await piapi(sb).create(klingBody({ prompt: 'one' }));
    await piapi(sb).create(klingBody({ duration: 7 }));
    await piapi(sb).get('00000000-0000-4000-8000-000000000000');
    await runway(sb).textToVideo(gen45Body({ promptText: 'two' }));
    await call(`${sb.runwayBaseUrl}/v1/text_to_video`, { method: 'POST', body: gen45Body() });

    const stats = sb.stats();
    expect(stats.requests).toEqual({
      'POST /api/v1/task': { 200: 1, 400: 1 },
      'GET /api/v1/task/:id': { 404: 1 },
      'POST /v1/text_to_video': { 200: 1, 401: 1 },
    });
    expect(stats.tasksCreated).toEqual({ 'piapi:kling': 1, 'runway:gen4.5': 1 });
    expect(stats.tasks).toEqual([
      expect.objectContaining({ api: 'piapi', model: 'kling', status: 'pending', deleted: false, prompt: 'one' }),
      expect.objectContaining({ api: 'runway', model: 'gen4.5', status: 'PENDING', deleted: false, prompt: 'two' }),
    ]);
    expect(stats.maxConcurrentProcessing).toEqual({ 'piapi:kling': 1, 'runway:gen4.5': 1 });
    expect(stats.deletes).toEqual([]);
  });

  it('serves the same data on GET /__sandbox/stats, which is not counted itself', async () => {
    await piapi(sb).create(klingBody());
    const res = await call(`${sb.origin}/__sandbox/stats`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(sb.stats());
    expect(Object.keys(sb.stats().requests)).toEqual(['POST /api/v1/task']);
  });

  it('counts unmatched routes and answers 404, or 405 with Allow for a known path', async () => {
    expect((await call(`${sb.origin}/nope`)).status).toBe(404);
    const res = await call(`${sb.origin}/v1/text_to_video`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(sb.stats().requests['GET (unmatched)']).toEqual({ 404: 1, 405: 1 });
  });

  it('reset() and POST /__sandbox/reset clear tasks and counters', async () => {
    await piapi(sb).create(klingBody());
    sb.reset();
    expect(sb.stats()).toMatchObject({ requests: {}, tasksCreated: {}, tasks: [], maxConcurrentProcessing: {} });
    await piapi(sb).create(klingBody());
    expect((await call(`${sb.origin}/__sandbox/reset`, { method: 'POST' })).status).toBe(200);
    expect(sb.stats().tasks).toEqual([]);
  });
});

describe('scenario control', () => {
  it('PUT /__sandbox/scenario validates with the scenario schema and keeps the old scenario on error', async () => {
    const url = `${sb.origin}/__sandbox/scenario`;
    const bad = await call(url, { method: 'PUT', body: { default: { faults: [{ kind: 'meteor' }] } } });
    expect(bad.status).toBe(400);
    expect(bad.json.issues.length).toBeGreaterThan(0);
    expect((await piapi(sb).create(klingBody())).status).toBe(200);

    const good = await call(url, {
      method: 'PUT',
      body: { ...fast, models: { 'piapi:kling': { faults: [{ kind: 'auth' }] } } },
    });
    expect(good.status).toBe(200);
    expect((await piapi(sb).create(klingBody())).status).toBe(401);
  });

  it('setScenario throws on an invalid scenario; keys must name an API', () => {
    expect(() => sb.setScenario({ models: { kling: {} } })).toThrow(z.ZodError);
    expect(() => sb.setScenario({ timeScale: 0 })).toThrow(z.ZodError);
  });

  it('patchScenario replaces only the given top-level fields', async () => {
    sb.setScenario({ ...fast, contentPolicyWords: ['kumquat'] });
    sb.patchScenario({ models: { 'runway:gen4.5': { faults: [{ kind: 'create_5xx' }] } } });
    expect((await runway(sb).textToVideo(gen45Body())).status).toBe(500);
    const id = (await piapi(sb).create(klingBody({ prompt: 'a kumquat' }))).json.data.task_id;
    expect((await piapi(sb).until(id, 'failed', 'completed')).error.code).toBe(10003);
  });

  it('timeScale multiplies every time', async () => {
    sb.setScenario({ timeScale: 0.01, default: { queueMs: 2000, renderMs: 10_000 } });
    const started = Date.now();
    const id = (await piapi(sb).create(klingBody())).json.data.task_id;
    await piapi(sb).until(id, 'completed');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('latencyMs delays responses for that model only', async () => {
    sb.setScenario({ ...fast, models: { 'runway:gen4.5': { latencyMs: 400 } } });
    let started = Date.now();
    await runway(sb).textToVideo(gen45Body());
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    started = Date.now();
    await piapi(sb).create(klingBody());
    expect(Date.now() - started).toBeLessThan(390);
  });
});

describe('determinism', () => {
  const flaky: ScenarioInput = { ...fast, default: { ...fast.default, faults: [{ kind: 'create_5xx', rate: 0.5 }] } };
  const statuses = async (s: Sandbox) => {
    const out: number[] = [];
    for (let i = 0; i < 24; i++) out.push((await runway(s).textToVideo(gen45Body())).status);
    return out;
  };

  it('the same seed gives the same fault sequence; reset replays it; another seed differs', async () => {
    const other = await startSandbox({ scenario: flaky, seed: 1 });
    const third = await startSandbox({ scenario: flaky, seed: 2 });
    try {
      sb.setScenario(flaky);
      const first = await statuses(sb);
      expect(new Set(first)).toEqual(new Set([200, 500]));
      expect(await statuses(other)).toEqual(first);
      sb.reset();
      expect(await statuses(sb)).toEqual(first);
      expect(await statuses(third)).not.toEqual(first);
    } finally {
      await other.close();
      await third.close();
    }
  });
});
