import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../dev/sandbox';
import { waitFor } from '../helpers/wait-for';
import { call, fast, klingBody, piapi } from './http';
import { useSandbox } from './use-sandbox';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RFC3339_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;
const ZERO_TIME = '0001-01-01T00:00:00Z';
const zeroError = { code: 0, raw_message: '', message: '', detail: null };

let sb: Sandbox;
let api: ReturnType<typeof piapi>;

useSandbox((started) => {
  sb = started;
  api = piapi(started);
});

describe('PiAPI auth', () => {
  it('answers 401 {code, message} without or with a wrong x-api-key, and creates nothing', async () => {
    const url = `${sb.piapiBaseUrl}/api/v1/task`;
    for (const headers of [{}, { 'x-api-key': 'nope' }] as Record<string, string>[]) {
      const res = await call(url, { method: 'POST', headers, body: klingBody() });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ code: 401, message: expect.any(String) });
    }
    expect(sb.stats().tasks).toHaveLength(0);
  });

  it('takes the header name in any case', async () => {
    const res = await call(`${sb.piapiBaseUrl}/api/v1/task`, {
      method: 'POST',
      headers: { 'X-API-Key': sb.apiKeys.piapi },
      body: klingBody(),
    });
    expect(res.status).toBe(200);
  });
});

describe('PiAPI validation', () => {
  it.each([
    ['unknown model', { model: 'nope', task_type: 'video_generation', input: { prompt: 'x' } }],
    ['kling duration 7', klingBody({ duration: 7 })],
    ['kling aspect 4:3', klingBody({ aspect_ratio: '4:3' })],
    ['kling unknown task_type', { ...klingBody(), task_type: 'image2video' }],
    ['hailuo without input.model', { model: 'hailuo', task_type: 'video_generation', input: { prompt: 'x' } }],
    [
      'hailuo t2v with image_url',
      {
        model: 'hailuo',
        task_type: 'video_generation',
        input: { model: 't2v-01', prompt: 'x', image_url: 'https://e.com/a.png' },
      },
    ],
    [
      'hunyuan img2video without image',
      { model: 'Qubico/hunyuan', task_type: 'img2video-concat', input: { prompt: 'x' } },
    ],
    ['veo3.1 duration 5s', { model: 'veo3.1', task_type: 'veo3.1-video', input: { prompt: 'x', duration: '5s' } }],
    // Every PiAPI example sends "8s"; 4s and 6s are only reported by third parties.
    ['veo3.1 duration 4s', { model: 'veo3.1', task_type: 'veo3.1-video', input: { prompt: 'x', duration: '4s' } }],
    [
      'hailuo v2.3 at 1080p for 10 s',
      {
        model: 'hailuo',
        task_type: 'video_generation',
        input: { model: 'v2.3', prompt: 'x', duration: 10, resolution: 1080 },
      },
    ],
    [
      'hailuo 01 with a duration',
      { model: 'hailuo', task_type: 'video_generation', input: { model: 't2v-01', prompt: 'x', duration: 6 } },
    ],
    ['kling 2.6 std with audio', klingBody({ version: '2.6', mode: 'std', enable_audio: true })],
    [
      'veo3.1 numeric duration',
      { model: 'veo3.1', task_type: 'veo3.1-video-fast', input: { prompt: 'x', duration: 8 } },
    ],
    ['missing input', { model: 'kling', task_type: 'video_generation' }],
  ])('rejects %s with 400 {code: 400, message}', async (_name, body) => {
    const res = await api.create(body);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ code: 400, message: expect.any(String) });
  });

  it('rejects a body that is not JSON', async () => {
    const res = await api.create('{not json');
    expect(res.status).toBe(400);
    expect(res.json.code).toBe(400);
  });
});

describe('PiAPI task lifecycle', () => {
  it('creates a pending task in the documented envelope and shapes', async () => {
    const res = await api.create(
      klingBody({}, { service_mode: 'public', webhook_config: { endpoint: '', secret: '' } }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ code: 200, message: 'success' });
    const task = res.json.data;
    expect(task).toMatchObject({
      model: 'kling',
      task_type: 'video_generation',
      status: 'pending',
      config: { service_mode: 'public', webhook_config: { endpoint: '', secret: '' } },
      input: { prompt: 'a lighthouse at dusk', duration: 5, aspect_ratio: '16:9' },
      output: { video_url: '' },
      detail: null,
      logs: [],
      error: zeroError,
    });
    expect(task.task_id).toMatch(UUID_V4);
    expect(task.meta.created_at).toMatch(RFC3339_NANO);
    expect(task.meta.started_at).toBe(ZERO_TIME);
    expect(task.meta.ended_at).toBe(ZERO_TIME);
    // 5 s at the default $0.04/s (Kling 2.6 std), frozen until completion, 10,000,000 units per USD.
    expect(task.meta.usage).toEqual({ type: 'point', frozen: 2_000_000, consume: 0 });
  });

  it('goes pending → processing → completed in lower case, consuming the frozen points', async () => {
    sb.setScenario({ default: { queueMs: 40, renderMs: 600 } });
    const { json } = await api.create(klingBody());
    const id = json.data.task_id;
    const processing = await api.until(id, 'processing', 'completed');
    expect(processing.status).toBe('processing');
    expect(processing.meta.started_at).toMatch(RFC3339_NANO);
    expect(processing.meta.started_at).not.toBe(ZERO_TIME);
    expect(processing.meta.ended_at).toBe(ZERO_TIME);
    const done = await api.until(id, 'completed');
    expect(done.meta.ended_at).not.toBe(ZERO_TIME);
    expect(done.meta.usage).toEqual({ type: 'point', frozen: 0, consume: 2_000_000 });
    expect(done.error).toEqual(zeroError);
    expect(sb.stats().tasks.map((t) => t.status)).toEqual(['completed']);
  });

  it("records each task's status GETs and the shortest time between two of them", async () => {
    sb.setScenario({ default: { queueMs: 0, renderMs: 60_000 } });
    const id = (await api.create(klingBody())).json.data.task_id;
    await api.get(id);
    const firstMs = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    await api.get(id);
    await api.get(id);
    const lastMs = Date.now();
    const reads = sb.stats().statusReads[id]!;
    expect(reads).toMatchObject({ count: 3, afterEnd: 0, shortestGapPhases: ['running', 'running'] });
    expect(reads.shortestGapMs).toBeGreaterThanOrEqual(0);
    expect(reads.shortestGapMs).toBeLessThanOrEqual((lastMs - firstMs) / 2);
    await api.get('00000000-0000-4000-8000-000000000000');
    expect(Object.keys(sb.stats().statusReads)).toEqual([id]);
  });

  it('tells the status GETs answered after a task ended, and the phases around the shortest gap', async () => {
    sb.setScenario({ default: { queueMs: 0, renderMs: 300 } });
    const id = (await api.create(klingBody())).json.data.task_id;
    expect((await api.get(id)).json.data.status).toBe('processing');
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await api.get(id)).json.data.status).toBe('completed');
    await api.get(id);
    expect(sb.stats().statusReads[id]).toMatchObject({
      count: 3,
      afterEnd: 2,
      shortestGapPhases: ['succeeded', 'succeeded'],
    });
  });

  it('answers 404 for an unknown task', async () => {
    const res = await api.get('00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ code: 404, message: expect.any(String) });
  });

  it('keeps extra tasks pending beyond the concurrency limit', async () => {
    sb.setScenario({ default: { queueMs: 20, renderMs: 300 }, models: { 'piapi:kling': { concurrency: 1 } } });
    const first = (await api.create(klingBody())).json.data.task_id;
    const second = (await api.create(klingBody())).json.data.task_id;
    await api.until(first, 'processing');
    expect((await api.get(second)).json.data.status).toBe('pending');
    await api.until(first, 'completed');
    await api.until(second, 'completed');
    expect(sb.stats().maxConcurrentProcessing['piapi:kling']).toBe(2);
  });
});

describe('PiAPI output locations per model', () => {
  const video = (url: unknown) => {
    expect(url).toMatch(new RegExp(`^${sb.origin}/ephemeral/[0-9a-f-]{36}\\.mp4$`));
    return url as string;
  };

  it('Kling classic: works[0].video.resource_without_watermark, video_url, status 99, duration in ms', async () => {
    const id = (await api.create(klingBody({ duration: 10, aspect_ratio: '9:16' }))).json.data.task_id;
    const { output } = await api.until(id, 'completed');
    expect(output.status).toBe(99);
    expect(output.works).toHaveLength(1);
    expect(output.works[0]).toMatchObject({ status: 99, video: { width: 180, height: 320, duration: 10_000 } });
    expect(video(output.works[0].video.resource_without_watermark)).toBe(output.video_url);
  });

  it('Kling 3.0: only output.video', async () => {
    const id = (await api.create(klingBody({ version: '3.0', duration: 8 }))).json.data.task_id;
    const created = (await api.get(id)).json.data;
    expect(created.output).toEqual({ video: '' });
    const { output } = await api.until(id, 'completed');
    expect(Object.keys(output)).toEqual(['video']);
    video(output.video);
  });

  it('Luma: output.video.url and video_raw.url, with a null-filled skeleton and logs null before', async () => {
    const res = await api.create({
      model: 'luma',
      task_type: 'video_generation',
      input: { prompt: 'waves', aspect_ratio: '1:1' },
    });
    expect(res.json.data.output).toEqual({
      prompt: '',
      internal_state: '',
      created_at: '',
      video: null,
      video_raw: null,
      thumbnail: null,
      last_frame: null,
    });
    expect(res.json.data.logs).toBeNull();
    const { output } = await api.until(res.json.data.task_id, 'completed');
    expect(output.video).toMatchObject({ width: 240, height: 240 });
    video(output.video.url);
    expect(output.video_raw.url).toBe(output.video.url);
  });

  it('Hailuo: output.video_url, percent rising to 100', async () => {
    sb.setScenario({ default: { queueMs: 10, renderMs: 600 } });
    const res = await api.create({
      model: 'hailuo',
      task_type: 'video_generation',
      input: { model: 't2v-01', prompt: 'a fox' },
    });
    expect(res.json.data.output).toMatchObject({ video_url: '', percent: 0, status: 0 });
    const id = res.json.data.task_id;
    const midway = await waitFor(
      async () => {
        const { output } = (await api.get(id)).json.data;
        return output.percent > 0 && output.percent < 100 ? output : undefined;
      },
      5000,
      20,
    );
    expect(midway.video_url).toBe('');
    const { output } = await api.until(id, 'completed');
    expect(output.percent).toBe(100);
    video(output.video_url);
  });

  it('Luma ray-v2 from a start image (2026 docs): a 5 s clip', async () => {
    const res = await api.create({
      model: 'luma',
      task_type: 'video_generation',
      input: {
        model: 'ray-v2',
        prompt: 'waves',
        duration: 5,
        aspect_ratio: '16:9',
        start_image: 'https://e.com/a.png',
      },
    });
    expect(res.status).toBe(200);
    const { output } = await api.until(res.json.data.task_id, 'completed');
    video(output.video.url);
  });

  it('Hailuo v2.3 at 768p for 10 s: output.video_url', async () => {
    const res = await api.create({
      model: 'hailuo',
      task_type: 'video_generation',
      input: { model: 'v2.3', prompt: 'a fox', duration: 10, resolution: 768, expand_prompt: false },
    });
    expect(res.status).toBe(200);
    const { output } = await api.until(res.json.data.task_id, 'completed');
    video(output.video_url);
  });

  it('Hunyuan: output.video_url', async () => {
    const res = await api.create({
      model: 'Qubico/hunyuan',
      task_type: 'txt2video',
      input: { prompt: 'a fox', aspect_ratio: '9:16' },
    });
    expect(res.json.data.output).toBeNull();
    const { output } = await api.until(res.json.data.task_id, 'completed');
    video(output.video_url);
  });

  it('Veo 3.1: output.video', async () => {
    const res = await api.create({
      model: 'veo3.1',
      task_type: 'veo3.1-video-fast',
      input: { prompt: 'a fox', aspect_ratio: '16:9', duration: '8s', generate_audio: false },
    });
    const { output } = await api.until(res.json.data.task_id, 'completed');
    video(output.video);
  });
});

describe('PiAPI failures', () => {
  it('fails moderation for content-policy words with code 10003 and refunds the points', async () => {
    const id = (await api.create(klingBody({ prompt: 'something FORBIDDEN here' }))).json.data.task_id;
    const task = await api.until(id, 'failed', 'completed');
    expect(task.status).toBe('failed');
    expect(task.error.code).toBe(10003);
    expect(task.error.message).not.toBe('');
    expect(task.logs.length).toBeGreaterThan(0);
    expect(task.meta.usage).toEqual({ type: 'point', frozen: 0, consume: 0 });
  });

  it('fails a task with the configured code and message', async () => {
    sb.setScenario({
      ...fast,
      models: { 'piapi:kling': { faults: [{ kind: 'task_failed', code: 10100, message: 'GPU on fire' }] } },
    });
    const id = (await api.create(klingBody())).json.data.task_id;
    const task = await api.until(id, 'failed', 'completed');
    expect(task.error).toEqual({ code: 10100, raw_message: 'GPU on fire', message: 'GPU on fire', detail: null });
  });

  it.each([
    [{ kind: 'insufficient_credits' }, 402],
    [{ kind: 'create_5xx', status: 503 }, 503],
    [{ kind: 'auth' }, 401],
  ] as const)('answers %o with %i {code, message} and creates no task', async (fault, status) => {
    sb.setScenario({ ...fast, default: { ...fast.default, faults: [fault] } });
    const res = await api.create(klingBody());
    expect(res.status).toBe(status);
    expect(res.json).toEqual({ code: status, message: expect.any(String) });
    expect(sb.stats().tasksCreated).toEqual({});
  });

  it('answers 429 with and without Retry-After, only `times` times', async () => {
    sb.setScenario({
      ...fast,
      default: {
        ...fast.default,
        faults: [
          { kind: 'rate_limit', retryAfterSec: 3, times: 1 },
          { kind: 'rate_limit', times: 1 },
        ],
      },
    });
    const first = await api.create(klingBody());
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    const second = await api.create(klingBody());
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeNull();
    expect((await api.create(klingBody())).status).toBe(200);
    expect(sb.stats().tasksCreated).toEqual({ 'piapi:kling': 1 });
  });

  it('malformed_create garbles the reply but the (paid) task exists; malformed_get garbles a poll', async () => {
    sb.setScenario({
      ...fast,
      default: { ...fast.default, faults: [{ kind: 'malformed_create' }, { kind: 'malformed_get', times: 1 }] },
    });
    const res = await api.create(klingBody());
    expect(res.status).toBe(200);
    expect(res.json).toBeUndefined();
    const [task] = sb.stats().tasks;
    expect(sb.stats().tasksCreated).toEqual({ 'piapi:kling': 1 });
    const poll = await api.get(task!.taskId);
    expect(poll.status).toBe(200);
    expect(poll.json).toBeUndefined();
    expect((await api.get(task!.taskId)).json.data.task_id).toBe(task!.taskId);
  });

  it('hang keeps a task processing', async () => {
    sb.setScenario({ default: { queueMs: 10, renderMs: 50, faults: [{ kind: 'hang' }] } });
    const id = (await api.create(klingBody())).json.data.task_id;
    await api.until(id, 'processing');
    await new Promise((r) => setTimeout(r, 200));
    expect((await api.get(id)).json.data.status).toBe('processing');
  });
});

describe('PiAPI cancel', () => {
  it('cancels a pending task with {code: 200, message: "task <id> canceled"}', async () => {
    sb.setScenario({ default: { queueMs: 5000, renderMs: 100 } });
    const id = (await api.create(klingBody())).json.data.task_id;
    const res = await api.cancel(id);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ code: 200, message: `task ${id} canceled` });
    expect((await api.get(id)).json.data.status).toBe('failed');
    expect(sb.stats().deletes).toEqual([id]);
    expect(sb.stats().tasks[0]).toMatchObject({ taskId: id, deleted: true });
  });

  it('refuses to cancel a processing task with 400 {code, message}', async () => {
    sb.setScenario({ default: { queueMs: 10, renderMs: 5000 } });
    const id = (await api.create(klingBody())).json.data.task_id;
    await api.until(id, 'processing');
    const res = await api.cancel(id);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ code: 400, message: expect.any(String) });
    expect(sb.stats().tasks[0]!.deleted).toBe(false);
  });

  it('cancels pending tasks in bulk by model and creation time', async () => {
    sb.setScenario({ default: { queueMs: 5000, renderMs: 100 } });
    const ids = [(await api.create(klingBody())).json.data.task_id, (await api.create(klingBody())).json.data.task_id];
    const before = Math.ceil(Date.now() / 1000) + 1;
    const bad = await api.call('/api/v1/tasks?model=kling', { method: 'DELETE' });
    expect(bad.status).toBe(400);
    const res = await api.call(`/api/v1/tasks?created_before=${before}&model=kling`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.json.data.task_ids.sort()).toEqual(ids.sort());
    expect(sb.stats().tasks.every((t) => t.deleted)).toBe(true);
  });
});

describe('PiAPI webhooks', () => {
  it('POSTs {timestamp, data} with x-webhook-secret on creation, status changes and the end, retrying non-200', async () => {
    const received: {
      secret: string | undefined;
      body: { timestamp: number; data: { task_id: string; status: string } };
    }[] = [];
    let answered = 0;
    const receiver = createServer((req: IncomingMessage, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        // The first delivery fails, so the sandbox must deliver `pending` twice.
        res.writeHead(answered++ === 0 ? 500 : 200).end();
        received.push({ secret: req.headers['x-webhook-secret'] as string | undefined, body: JSON.parse(text) });
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      sb.setScenario({ ...fast, webhook: { retries: 2, retryDelayMs: 20 } });
      const id = (await api.create(klingBody({}, { webhook_config: { endpoint, secret: 's3cret' } }))).json.data
        .task_id;
      await waitFor(async () => received.at(-1)?.body.data.status === 'completed' || undefined, 5000, 20);
      expect(received.map((r) => r.body.data.status)).toEqual(['pending', 'pending', 'processing', 'completed']);
      for (const { secret, body } of received) {
        expect(secret).toBe('s3cret');
        expect(body.data.task_id).toBe(id);
        expect(Object.keys(body).sort()).toEqual(['data', 'timestamp']);
        expect(Math.abs(body.timestamp - Date.now() / 1000)).toBeLessThan(30);
      }
      expect(sb.stats().webhooks).toMatchObject({ attempts: 4, delivered: 3, failed: 0, sent: 3 });
    } finally {
      receiver.closeAllConnections();
      await new Promise((r) => receiver.close(r));
    }
  });
});

describe('PiAPI account', () => {
  it('GET /account/info reports the balance in USD', async () => {
    const res = await api.call('/account/info');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ code: 200, message: 'success', data: { equivalent_in_usd: expect.any(Number) } });
    expect((await call(`${sb.piapiBaseUrl}/account/info`)).status).toBe(401);
  });

  it('starts at the scenario balance; a task freezes its price at creation, keeps it on success, refunds a failure', async () => {
    sb.setScenario({ ...fast, account: { piapiUsd: 5 } });
    const balance = async () => (await api.call('/account/info')).json.data.equivalent_in_usd as number;
    expect(await balance()).toBe(5);
    // Kling 2.6 std: $0.20 for the 5 s clip (the sandbox bills the facts' price).
    const ok = (await api.create(klingBody())).json.data.task_id;
    expect(await balance()).toBeCloseTo(4.8, 10);
    await api.until(ok, 'completed');
    expect(await balance()).toBeCloseTo(4.8, 10);
    sb.patchScenario({ default: { ...fast.default, faults: [{ kind: 'task_failed' }] } });
    const failed = (await api.create(klingBody())).json.data.task_id;
    expect(await balance()).toBeCloseTo(4.6, 10);
    await api.until(failed, 'failed');
    expect(await balance()).toBeCloseTo(4.8, 10);
  });

  it('answers every success envelope with code 0 when the scenario says so', async () => {
    sb.setScenario({ ...fast, piapiSuccessCode: 0 });
    const created = await api.create(klingBody());
    expect(created.json).toMatchObject({ code: 0, message: 'success' });
    const id = created.json.data.task_id;
    expect((await api.get(id)).json.code).toBe(0);
    expect((await api.call('/account/info')).json.code).toBe(0);
    expect((await api.cancel(id)).json).toEqual({ code: 0, message: `task ${id} canceled` });
    // Errors keep their HTTP-style codes.
    expect((await api.get('nope')).json.code).toBe(404);
  });
});
