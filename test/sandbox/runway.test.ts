import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../dev/sandbox';
import { waitFor } from '../helpers/wait-for';
import { call, fast, gen45Body, runway } from './http';
import { useSandbox } from './use-sandbox';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const DOC_URL = 'https://docs.dev.runwayml.com/api';
const turboBody = (extra: Record<string, unknown> = {}) => ({
  model: 'gen4_turbo',
  promptImage: 'https://example.com/first.png',
  ratio: '720:1280',
  duration: 5,
  ...extra,
});

let sb: Sandbox;
let api: ReturnType<typeof runway>;

useSandbox((started) => {
  sb = started;
  api = runway(started);
});

describe('Runway headers', () => {
  it('has an API key of the documented format', () => {
    expect(sb.apiKeys.runway).toMatch(/^key_[0-9a-f]{128}$/);
  });

  it.each([
    ['no Authorization', { 'x-runway-version': '2024-11-06' }],
    ['a wrong key', { authorization: `Bearer key_${'0'.repeat(128)}`, 'x-runway-version': '2024-11-06' }],
    ['a non-Bearer scheme', { authorization: `Basic ${'a'.repeat(10)}`, 'x-runway-version': '2024-11-06' }],
  ])('answers 401 {"error"} for %s', async (_name, headers) => {
    const res = await call(`${sb.runwayBaseUrl}/v1/text_to_video`, { method: 'POST', headers, body: gen45Body() });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: expect.any(String) });
  });

  it.each([undefined, '2024-09-13'])('answers 400 for X-Runway-Version %s', async (version) => {
    const headers: Record<string, string> = { authorization: `Bearer ${sb.apiKeys.runway}` };
    if (version) headers['x-runway-version'] = version;
    const res = await call(`${sb.runwayBaseUrl}/v1/tasks/00000000-0000-4000-8000-000000000000`, { headers });
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual(expect.any(String));
    expect(sb.stats().tasks).toHaveLength(0);
  });
});

describe('Runway validation', () => {
  const expectValidationError = (res: Awaited<ReturnType<typeof api.textToVideo>>, code: string, path: string[]) => {
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'Validation of body failed', docUrl: DOC_URL });
    expect(res.json.issues).toContainEqual(expect.objectContaining({ code, path, message: expect.any(String) }));
  };

  it('rejects gen4_turbo on text_to_video as an unknown discriminator', async () => {
    const res = await api.textToVideo({ model: 'gen4_turbo', promptText: 'x', ratio: '1280:720' });
    expectValidationError(res, 'invalid_union', ['model']);
  });

  it('rejects extra fields', async () => {
    expectValidationError(await api.textToVideo(gen45Body({ watermark: false })), 'unrecognized_keys', []);
  });

  it('rejects ratios and durations outside the model schema', async () => {
    expectValidationError(await api.textToVideo(gen45Body({ ratio: '960:960' })), 'invalid_value', ['ratio']);
    expectValidationError(await api.textToVideo(gen45Body({ duration: 11 })), 'too_big', ['duration']);
    expectValidationError(await api.textToVideo({ ...gen45Body(), duration: undefined }), 'invalid_type', ['duration']);
    expectValidationError(await api.imageToVideo({ ...turboBody(), ratio: undefined }), 'invalid_value', ['ratio']);
    expectValidationError(
      await api.textToVideo({ model: 'veo3.1', promptText: 'x', ratio: '1280:720', duration: 5 }),
      'invalid_union',
      ['duration'],
    );
  });

  it('requires promptImage on image_to_video and refuses non-HTTPS or IP-hosted assets', async () => {
    expectValidationError(await api.imageToVideo({ ...turboBody(), promptImage: undefined }), 'invalid_union', [
      'promptImage',
    ]);
    const http = await api.imageToVideo(turboBody({ promptImage: 'http://example.com/a.png' }));
    expect(http.json.issues[0].message).toBe('Only HTTPS URLs are allowed.');
    const ip = await api.imageToVideo(turboBody({ promptImage: 'https://10.0.0.1/a.png' }));
    expect(ip.json.issues[0].message).toBe('URLs must be hosted on a domain.');
  });

  it('accepts every documented model on image_to_video', async () => {
    for (const body of [
      turboBody(),
      turboBody({ promptImage: [{ uri: 'https://example.com/a.png', position: 'first' }], duration: undefined }),
      gen45Body({ promptImage: 'https://example.com/a.png', ratio: '960:960' }),
      { model: 'veo3', promptImage: 'https://example.com/a.png', ratio: '1080:1920', duration: 8 },
      { model: 'veo3.1_fast', promptImage: 'https://example.com/a.png', ratio: '1920:1080', duration: 4, audio: false },
    ]) {
      const res = await api.imageToVideo(body);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    }
    expect(sb.stats().tasksCreated).toEqual({
      'runway:gen4_turbo': 2,
      'runway:gen4.5': 1,
      'runway:veo3': 1,
      'runway:veo3.1_fast': 1,
    });
  });
});

describe('Runway task lifecycle', () => {
  it('answers 200 {id} and goes PENDING → RUNNING (progress) → SUCCEEDED with a signed output URL', async () => {
    sb.setScenario({ default: { queueMs: 300, renderMs: 400 } });
    const created = await api.textToVideo(gen45Body());
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ id: expect.stringMatching(UUID_V4), estimatedCost: { credits: 60 } });
    const id = created.json.id;

    const pending = (await api.get(id)).json;
    expect(pending).toEqual({
      id,
      status: 'PENDING',
      createdAt: expect.stringMatching(ISO_MS),
      estimatedCost: { credits: 60 },
    });
    const running = await waitFor(
      async () => {
        const task = (await api.get(id)).json;
        return task.status === 'RUNNING' && task.progress > 0 ? task : undefined;
      },
      5000,
      10,
    );
    expect(running.progress).toBeLessThan(1);
    expect(running.createdAt).toBe(pending.createdAt);

    const done = await api.until(id, 'SUCCEEDED', 'FAILED');
    expect(done).toEqual({
      id,
      status: 'SUCCEEDED',
      createdAt: pending.createdAt,
      output: [
        expect.stringMatching(
          new RegExp(`^${sb.origin}/runway-output/[0-9a-f-]{36}\\.mp4\\?_jwt=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`),
        ),
      ],
      cost: { credits: 60 },
    });
    const again = (await api.get(id)).json;
    expect(again.output[0]).not.toBe('');

    const file = await call(done.output[0]);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('video/mp4');
    for (const at of [-1, -20]) {
      const url: string = done.output[0];
      const i = url.length + at;
      const tampered = await call(`${url.slice(0, i)}${url[i] === 'A' ? 'B' : 'A'}${url.slice(i + 1)}`);
      expect(tampered.status).toBe(403);
    }
  });

  it('puts tasks over the concurrency limit in THROTTLED, then runs them in order', async () => {
    sb.setScenario({ default: { queueMs: 20, renderMs: 500 }, models: { 'runway:gen4.5': { concurrency: 1 } } });
    const a = (await api.textToVideo(gen45Body())).json.id;
    const b = (await api.textToVideo(gen45Body())).json.id;
    const c = (await api.textToVideo(gen45Body())).json.id;
    expect((await api.get(b)).json).toEqual({
      id: b,
      status: 'THROTTLED',
      createdAt: expect.stringMatching(ISO_MS),
      estimatedCost: { credits: 60 },
    });
    expect((await api.get(c)).json.status).toBe('THROTTLED');
    await api.until(a, 'SUCCEEDED');
    expect(['PENDING', 'RUNNING']).toContain((await api.get(b)).json.status);
    expect((await api.get(c)).json.status).toBe('THROTTLED');
    await api.until(c, 'SUCCEEDED');
    expect(sb.stats().maxConcurrentProcessing).toEqual({ 'runway:gen4.5': 3 });
  });

  it('DELETE answers 204 without a body; later GET and DELETE answer 404 {"error":"Could not find Task"}', async () => {
    sb.setScenario({ default: { queueMs: 10, renderMs: 5000 } });
    const id = (await api.textToVideo(gen45Body())).json.id;
    await api.until(id, 'RUNNING');
    const del = await api.delete(id);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    for (const res of [await api.get(id), await api.delete(id)]) {
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ error: 'Could not find Task' });
    }
    expect(sb.stats().deletes).toEqual([id, id]);
    expect(sb.stats().tasks[0]).toMatchObject({ taskId: id, deleted: true, status: 'CANCELLED' });
  });

  it('signs output URLs for outputs.runwayUrlLifetimeMs; a GET of the task signs a fresh one', async () => {
    sb.setScenario({ ...fast, outputs: { runwayUrlLifetimeMs: 300 } });
    const id = (await api.textToVideo(gen45Body())).json.id;
    const first: string = (await api.until(id, 'SUCCEEDED')).output[0];
    expect((await call(first)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await call(first)).status).toBe(403);
    const fresh: string = (await api.get(id)).json.output[0];
    expect(fresh).not.toBe(first);
    expect((await call(fresh)).status).toBe(200);
  });

  it('a deleted task frees its concurrency slot and its output disappears', async () => {
    sb.setScenario({ default: { queueMs: 10, renderMs: 60 }, models: { 'runway:gen4.5': { concurrency: 1 } } });
    const a = (await api.textToVideo(gen45Body())).json.id;
    const done = await api.until(a, 'SUCCEEDED');
    expect((await api.delete(a)).status).toBe(204);
    expect((await call(done.output[0])).status).toBe(404);
    sb.setScenario({ default: { queueMs: 10, renderMs: 5000 }, models: { 'runway:gen4.5': { concurrency: 1 } } });
    const b = (await api.textToVideo(gen45Body())).json.id;
    const c = (await api.textToVideo(gen45Body())).json.id;
    expect((await api.get(c)).json.status).toBe('THROTTLED');
    await api.delete(b);
    expect(['PENDING', 'RUNNING']).toContain((await api.get(c)).json.status);
  });
});

describe('Runway failures', () => {
  it('fails with INTERNAL.BAD_OUTPUT.CODE01 by default and charges nothing', async () => {
    sb.setScenario({ ...fast, default: { ...fast.default, faults: [{ kind: 'task_failed' }] } });
    const id = (await api.textToVideo(gen45Body())).json.id;
    expect(await api.until(id, 'FAILED', 'SUCCEEDED')).toEqual({
      id,
      status: 'FAILED',
      createdAt: expect.stringMatching(ISO_MS),
      failure: 'An unexpected error occurred.',
      failureCode: 'INTERNAL.BAD_OUTPUT.CODE01',
      cost: { credits: 0 },
    });
  });

  it('fails moderation with SAFETY.INPUT.TEXT, charged like a success', async () => {
    const id = (await api.textToVideo(gen45Body({ promptText: 'an nsfw scene' }))).json.id;
    const task = await api.until(id, 'FAILED', 'SUCCEEDED');
    expect(task).toMatchObject({ status: 'FAILED', failureCode: 'SAFETY.INPUT.TEXT', cost: { credits: 60 } });
    expect(task.failure).toEqual(expect.any(String));
  });

  it('fails output moderation with SAFETY.OUTPUT.VIDEO once rendered, charged like a success', async () => {
    sb.setScenario({
      ...fast,
      default: { ...fast.default, faults: [{ kind: 'content_policy', stage: 'output' }] },
    });
    const id = (await api.textToVideo(gen45Body())).json.id;
    // The input passed: the task renders before its clip is refused.
    expect((await api.until(id, 'RUNNING', 'FAILED')).status).toBe('RUNNING');
    const task = await api.until(id, 'FAILED', 'SUCCEEDED');
    expect(task).toMatchObject({ status: 'FAILED', failureCode: 'SAFETY.OUTPUT.VIDEO', cost: { credits: 60 } });
  });

  it('answers 429 (daily limit) with and without Retry-After', async () => {
    sb.setScenario({
      ...fast,
      default: {
        ...fast.default,
        faults: [
          { kind: 'rate_limit', retryAfterSec: 7, times: 1 },
          { kind: 'rate_limit', times: 1 },
        ],
      },
    });
    const first = await api.textToVideo(gen45Body());
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(first.json).toEqual({ error: expect.any(String) });
    const second = await api.textToVideo(gen45Body());
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeNull();
    expect((await api.textToVideo(gen45Body())).status).toBe(200);
  });

  it("answers creates over a model's dailyGenerations with 429 and the daily-limit body, other models unaffected", async () => {
    sb.setScenario({ ...fast, models: { 'runway:gen4.5': { dailyGenerations: 2 } } });
    expect((await api.textToVideo(gen45Body())).status).toBe(200);
    expect((await api.textToVideo(gen45Body())).status).toBe(200);
    const over = await api.textToVideo(gen45Body());
    expect(over.status).toBe(429);
    expect(over.json).toEqual({ error: 'You have reached the maximum number of daily generations for this model.' });
    expect((await api.imageToVideo(turboBody())).status).toBe(200);
    expect(sb.stats().tasksCreated).toEqual({ 'runway:gen4.5': 2, 'runway:gen4_turbo': 1 });
  });

  it('answers 400 for insufficient credits with the documented message', async () => {
    sb.setScenario({ ...fast, models: { 'runway:gen4.5': { faults: [{ kind: 'insufficient_credits' }] } } });
    const res = await api.textToVideo(gen45Body());
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: 'You do not have enough credits to run this task.', docUrl: DOC_URL });
    expect((await api.imageToVideo(turboBody())).status).toBe(200);
  });

  it('create_5xx answers the configured status with {"error"}', async () => {
    sb.setScenario({ ...fast, default: { ...fast.default, faults: [{ kind: 'create_5xx', status: 502 }] } });
    const res = await api.textToVideo(gen45Body());
    expect(res.status).toBe(502);
    expect(res.json).toEqual({ error: expect.any(String) });
    expect(sb.stats().tasks).toHaveLength(0);
  });

  it('unsafe_url points the output somewhere else', async () => {
    sb.setScenario({
      ...fast,
      default: { ...fast.default, faults: [{ kind: 'unsafe_url', url: 'http://169.254.169.254/latest/meta-data' }] },
    });
    const id = (await api.textToVideo(gen45Body())).json.id;
    expect((await api.until(id, 'SUCCEEDED')).output).toEqual(['http://169.254.169.254/latest/meta-data']);
  });
});

describe('Runway organization', () => {
  it('GET /v1/organization reports the credit balance and per-model limits', async () => {
    sb.setScenario({ ...fast, models: { 'runway:gen4.5': { concurrency: 2 } } });
    const res = await call(`${sb.runwayBaseUrl}/v1/organization`, { headers: api.headers });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      creditBalance: expect.any(Number),
      tier: { models: { 'gen4.5': { maxConcurrentGenerations: 2 } } },
      usage: { models: { 'gen4.5': { dailyGenerations: 0 } } },
    });
  });

  it('reports no concurrency for a model whose scenario enforces none', async () => {
    sb.setScenario(fast);
    const res = await call(`${sb.runwayBaseUrl}/v1/organization`, { headers: api.headers });
    const models = (res.json as { tier: { models: Record<string, Record<string, unknown>> } }).tier.models;
    expect(models['gen4.5']).toEqual({ maxDailyGenerations: expect.any(Number) });
  });

  it('starts at the scenario credits and takes what tasks cost', async () => {
    sb.setScenario({ ...fast, account: { runwayCredits: 1000 } });
    const credits = async () =>
      (await call(`${sb.runwayBaseUrl}/v1/organization`, { headers: api.headers })).json.creditBalance as number;
    expect(await credits()).toBe(1000);
    // gen4.5: 12 credits/s, 5 s.
    const id = (await api.textToVideo(gen45Body())).json.id;
    expect(await credits()).toBe(940);
    await api.until(id, 'SUCCEEDED');
    expect(await credits()).toBe(940);
  });
});
