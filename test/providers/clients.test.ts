import { beforeEach, describe, expect, it } from 'vitest';
import { buildPiapiTaskRequest, createPiapiClient, type PiapiTaskRequest } from '../../src/providers/piapi';
import { createRunwayClient } from '../../src/providers/runway';
import type { GenerationRequest } from '../../src/providers/types';
import { closedPortUrl, fixture, useStubServer, type StubServer } from './stub-server';

const apiKey = 'piapi-secret-key';
const runwayKey = 'key_' + 'ab'.repeat(64);

const stubServer = useStubServer();
let stub: StubServer;
beforeEach(() => {
  stub = stubServer();
});

function lastRequest() {
  const request = stub.requests.at(-1);
  if (!request) throw new Error('no request reached the stub');
  return request;
}

const kling30: GenerationRequest = {
  prompt: 'Close-up, static camera, a woman in swim suit near the sea is introducing herself.',
  durationSec: 5,
  aspectRatio: '16:9',
  model: { route: 'piapi', model: 'kling', taskType: 'video_generation', options: { mode: 'std', version: '3.0' } },
};

describe('PiAPI client over HTTP', () => {
  it('creates a task: x-api-key, JSON body with the configured config, snapshot from the reply', async () => {
    const example = fixture('piapi/request-kling-3.0.json').body as PiapiTaskRequest;
    const webhook = example.config?.webhook_config ?? { endpoint: '', secret: '' };
    stub.reply({ status: 200, body: fixture('piapi/create-kling-turbo.json').body });
    const client = createPiapiClient({ baseUrl: `${stub.baseUrl}/`, apiKey, webhook, serviceMode: 'public' });

    const created = await client.createTask(kling30);

    expect(created).toStrictEqual({
      taskId: '98aad4db-41a1-42ca-b06a-aa77714b4ff8',
      snapshot: { taskId: '98aad4db-41a1-42ca-b06a-aa77714b4ff8', state: 'queued' },
    });
    const sent = lastRequest();
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/api/v1/task');
    expect(sent.headers['x-api-key']).toBe(apiKey);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers.authorization).toBeUndefined();
    const { prefer_multi_shots: _p, ...input } = example.input;
    expect(JSON.parse(sent.body)).toStrictEqual({ ...example, input });
  });

  it('sends no config when neither webhook nor service mode is configured', async () => {
    stub.reply({ status: 200, body: fixture('piapi/create-kling-classic.json').body });
    await createPiapiClient({ baseUrl: stub.baseUrl, apiKey }).createTask(kling30);
    expect(JSON.parse(lastRequest().body)).toStrictEqual(buildPiapiTaskRequest(kling30));
  });

  it('sends only the service mode when that is all that is configured', async () => {
    stub.reply({ status: 200, body: fixture('piapi/create-kling-classic.json').body });
    await createPiapiClient({ baseUrl: stub.baseUrl, apiKey, serviceMode: 'private' }).createTask(kling30);
    expect(JSON.parse(lastRequest().body).config).toStrictEqual({ service_mode: 'private' });
  });

  it("sends a task's own webhook, and never repeats its secret from a reply, GETs included", async () => {
    const secret = 'webhook-secret-'.padEnd(48, 'x');
    const endpoint = 'https://hooks.example.com/webhooks/piapi/v1.token';
    const echo = { code: 500, message: `bad config ${JSON.stringify({ endpoint, secret })}`, data: null };
    const client = createPiapiClient({ baseUrl: stub.baseUrl, apiKey, maskedSecrets: [secret] });

    stub.reply({ status: 500, body: echo });
    const created = client.createTask({ ...kling30, webhook: { endpoint, secret } });
    await expect(created).rejects.toThrow(/\[redacted\]/);
    await expect(created).rejects.not.toThrow(secret);
    expect(JSON.parse(lastRequest().body).config).toStrictEqual({ webhook_config: { endpoint, secret } });

    stub.reply({ status: 500, body: echo });
    await expect(client.getTask('t1')).rejects.not.toThrow(secret);
  });

  it('refuses an impossible aspect ratio without sending anything', async () => {
    const client = createPiapiClient({ baseUrl: stub.baseUrl, apiKey });
    await expect(
      client.createTask({ ...kling30, aspectRatio: '1:1', model: { route: 'piapi', model: 'veo3.1' } }),
    ).rejects.toMatchObject({ kind: 'validation', requestSent: false });
    expect(stub.requests).toHaveLength(0);
  });

  it('gets a task by id (URL-encoded) and parses it', async () => {
    stub.reply({ status: 200, body: fixture('piapi/get-sora2-completed.json').body });
    const snapshot = await createPiapiClient({ baseUrl: stub.baseUrl, apiKey }).getTask('a/b c');
    expect(lastRequest()).toMatchObject({ method: 'GET', url: '/api/v1/task/a%2Fb%20c' });
    expect(snapshot).toMatchObject({ state: 'succeeded', videoUrl: expect.stringContaining('6147ebfc') });
  });

  it("takes envelope code 0 as success, as PiAPI's own schemas do", async () => {
    stub.reply({ status: 200, body: fixture('piapi/create-code-0.json').body });
    const created = await createPiapiClient({ baseUrl: stub.baseUrl, apiKey }).createTask(kling30);
    expect(created.snapshot).toStrictEqual({ taskId: '98aad4db-41a1-42ca-b06a-aa77714b4ff8', state: 'queued' });
    stub.reply({ status: 200, body: fixture('piapi/get-sora2-completed-code-0.json').body });
    expect((await createPiapiClient({ baseUrl: stub.baseUrl, apiKey }).getTask('t')).state).toBe('succeeded');
  });

  describe('getAccount', () => {
    it('asks GET /account/info with x-api-key and reads the balance', async () => {
      stub.reply({ status: 200, body: fixture('piapi/account-info.json').body });
      const account = await createPiapiClient({ baseUrl: stub.baseUrl, apiKey }).getAccount();
      expect(lastRequest()).toMatchObject({ method: 'GET', url: '/account/info' });
      expect(lastRequest().headers['x-api-key']).toBe(apiKey);
      expect(account).toMatchObject({ balanceUsd: 12.3456789, plan: 'creator' });
    });

    it.each([
      ['401', { status: 401, body: { code: 401, message: 'Invalid API key' } }, 'auth'],
      [
        '403 (third-party validators read it as a bad key)',
        { status: 403, body: { code: 403, message: 'no' } },
        'auth',
      ],
      ['an envelope refusing', { status: 200, body: { code: 500, message: 'internal error' } }, 'server'],
      ['a reply that is not JSON', { status: 200, body: '<html>gateway</html>' }, 'protocol'],
    ])('fails classified on %s, without the key in the message', async (_name, reply, kind) => {
      stub.reply({ ...reply, body: typeof reply.body === 'string' ? reply.body : { ...reply.body, echo: apiKey } });
      const err = await createPiapiClient({ baseUrl: stub.baseUrl, apiKey })
        .getAccount()
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ kind });
      expect((err as Error).message).not.toContain(apiKey);
    });
  });

  describe('cancelTask says whether PiAPI took it', () => {
    it.each([
      ['the documented acknowledgement', { status: 200, body: fixture('piapi/cancel-success.json').body }],
      ['404 unknown task', { status: 404, body: { code: 404, message: 'task not found' } }],
      ['204 without a body', { status: 204 }],
    ])('cancelled on %s', async (_name, reply) => {
      stub.reply(reply);
      await expect(createPiapiClient({ baseUrl: stub.baseUrl, apiKey }).cancelTask('t-1')).resolves.toEqual({
        cancelled: true,
      });
      expect(lastRequest()).toMatchObject({ method: 'DELETE', url: '/api/v1/task/t-1' });
      expect(lastRequest().headers['x-api-key']).toBe(apiKey);
    });

    it.each([
      [
        '400 task no longer pending',
        { status: 400, body: { code: 400, message: 'task is processing, cannot cancel' } },
        'task is processing, cannot cancel',
      ],
      [
        '200 envelope refusing',
        { status: 200, body: { code: 400, message: 'only pending tasks can be canceled' } },
        'only pending tasks can be canceled',
      ],
    ])('refused on %s: the task goes on', async (_name, reply, reason) => {
      stub.reply(reply);
      await expect(createPiapiClient({ baseUrl: stub.baseUrl, apiKey }).cancelTask('t-1')).resolves.toEqual({
        cancelled: false,
        refusal: expect.stringContaining(reason) as unknown,
      });
    });

    it.each([
      [500, 'server'],
      [429, 'rate_limited'],
    ])('throws on %s, which leaves the task unknown, so the activity retries', async (status, kind) => {
      stub.reply({ status, body: { code: status, message: 'oops' } });
      await expect(createPiapiClient({ baseUrl: stub.baseUrl, apiKey }).cancelTask('t-1')).rejects.toMatchObject({
        kind,
      });
    });

    it('throws on a bad key', async () => {
      stub.reply({ status: 401, body: { code: 401, message: 'Invalid API key' } });
      await expect(createPiapiClient({ baseUrl: stub.baseUrl, apiKey }).cancelTask('t-1')).rejects.toMatchObject({
        kind: 'auth',
      });
    });

    it('throws on a network failure', async () => {
      await expect(
        createPiapiClient({ baseUrl: await closedPortUrl(), apiKey }).cancelTask('t-1'),
      ).rejects.toMatchObject({ kind: 'network', requestSent: false });
    });
  });
});

const gen45: GenerationRequest = {
  prompt: 'A red fox runs through fresh snow',
  durationSec: 6,
  aspectRatio: '9:16',
  model: { route: 'runway', model: 'gen4.5' },
};

describe('Runway client over HTTP', () => {
  it('creates a text-to-video task with bearer auth and the version header, tolerating estimatedCost', async () => {
    stub.reply({ status: 200, body: fixture('runway/create-estimated-cost.json').body });
    const created = await createRunwayClient({ baseUrl: stub.baseUrl, apiKey: runwayKey }).createTask(gen45);

    expect(created).toStrictEqual({ taskId: '3d957031-9a2a-45e2-9dc7-bc8513059c50' });
    const sent = lastRequest();
    expect(sent).toMatchObject({ method: 'POST', url: '/v1/text_to_video' });
    expect(sent.headers.authorization).toBe(`Bearer ${runwayKey}`);
    expect(sent.headers['x-runway-version']).toBe('2024-11-06');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers['x-api-key']).toBeUndefined();
    expect(JSON.parse(sent.body)).toStrictEqual({
      model: 'gen4.5',
      promptText: gen45.prompt,
      ratio: '720:1280',
      duration: 6,
    });
  });

  it('creates an image-to-video task on the image endpoint', async () => {
    stub.reply({ status: 200, body: fixture('runway/create.json').body });
    await createRunwayClient({ baseUrl: stub.baseUrl, apiKey: runwayKey }).createTask({
      ...gen45,
      durationSec: 5,
      imageUrl: 'https://example.com/assets/bunny.jpg',
      model: { route: 'runway', model: 'gen4_turbo' },
    });
    expect(lastRequest().url).toBe('/v1/image_to_video');
    expect(JSON.parse(lastRequest().body)).toMatchObject({
      model: 'gen4_turbo',
      promptImage: 'https://example.com/assets/bunny.jpg',
      duration: 5,
    });
  });

  it('refuses gen4_turbo without an image and sends nothing', async () => {
    await expect(
      createRunwayClient({ baseUrl: stub.baseUrl, apiKey: runwayKey }).createTask({
        ...gen45,
        model: { route: 'runway', model: 'gen4_turbo' },
      }),
    ).rejects.toMatchObject({ kind: 'validation', requestSent: false });
    expect(stub.requests).toHaveLength(0);
  });

  it('gets a task', async () => {
    stub.reply({ status: 200, body: fixture('runway/task-running.json').body });
    const snapshot = await createRunwayClient({ baseUrl: stub.baseUrl, apiKey: runwayKey }).getTask(
      'd2e3d1f4-1b3c-4b5c-8d46-1c1d7ee86892',
    );
    expect(lastRequest()).toMatchObject({ method: 'GET', url: '/v1/tasks/d2e3d1f4-1b3c-4b5c-8d46-1c1d7ee86892' });
    expect(lastRequest().headers['x-runway-version']).toBe('2024-11-06');
    expect(snapshot).toStrictEqual({
      taskId: 'd2e3d1f4-1b3c-4b5c-8d46-1c1d7ee86892',
      state: 'running',
      progress: 0.02,
    });
  });

  it('reads the organization: GET /v1/organization with bearer auth and the version header', async () => {
    stub.reply({ status: 200, body: fixture('runway/organization.json').body });
    const account = await createRunwayClient({ baseUrl: stub.baseUrl, apiKey: runwayKey }).getAccount();
    expect(lastRequest()).toMatchObject({ method: 'GET', url: '/v1/organization' });
    expect(lastRequest().headers.authorization).toBe(`Bearer ${runwayKey}`);
    expect(lastRequest().headers['x-runway-version']).toBe('2024-11-06');
    expect(account.balanceUsd).toBe(42.5);
    expect(account.models.gen4_turbo).toStrictEqual({
      maxConcurrentGenerations: 2,
      maxDailyGenerations: 200,
      dailyGenerations: 17,
    });
  });

  describe('cancelTask', () => {
    it('cancelled on 204', async () => {
      stub.reply({ status: 204 });
      await expect(createRunwayClient({ baseUrl: stub.baseUrl, apiKey: runwayKey }).cancelTask('t-1')).resolves.toEqual(
        { cancelled: true },
      );
      expect(lastRequest()).toMatchObject({ method: 'DELETE', url: '/v1/tasks/t-1' });
    });

    it('cancelled on 404 from a repeated delete', async () => {
      stub.reply({ status: 404, body: fixture('runway/error-404-task.json').body });
      await expect(createRunwayClient({ baseUrl: stub.baseUrl, apiKey: runwayKey }).cancelTask('t-1')).resolves.toEqual(
        { cancelled: true },
      );
    });

    it.each([
      [503, 'server'],
      [401, 'auth'],
    ])('throws on %s so the caller can retry or alert', async (status, kind) => {
      stub.reply({ status, body: { error: 'nope' } });
      await expect(
        createRunwayClient({ baseUrl: stub.baseUrl, apiKey: runwayKey }).cancelTask('t-1'),
      ).rejects.toMatchObject({
        kind,
      });
    });
  });

  it('defaults to the developer API host', async () => {
    // The default must be api.dev.runwayml.com; checked without network by a pre-aborted call.
    const err = await createRunwayClient({ apiKey: runwayKey })
      .getTask('t', { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'network', requestSent: false });
  });
});
