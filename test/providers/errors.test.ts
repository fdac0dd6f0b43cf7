import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPiapiClient } from '../../src/providers/piapi';
import { createRunwayClient } from '../../src/providers/runway';
import { ProviderError, type GenerationRequest, type VideoProviderClient } from '../../src/providers/types';
import { closedPortUrl, fixture, startStubServer, type StubReply, type StubServer } from './stub-server';

const apiKey = 'key_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

interface Case {
  name: string;
  /** A reply from the stub server, or a connection that is refused or never answered. */
  reply: StubReply | 'refused' | 'hang';
  op: 'create' | 'get';
  kind: ProviderError['kind'];
  httpStatus?: number;
  retryAfterMs?: number;
  requestSent?: boolean;
  message?: RegExp;
}

function fromFixture(name: string): StubReply {
  const f = fixture(name);
  return { status: f.status ?? 200, headers: f.headers, body: f.body };
}

const piapiCases: Case[] = [
  {
    name: '401 invalid key',
    reply: fromFixture('piapi/error-401-invalid-key.json'),
    op: 'create',
    kind: 'auth',
    httpStatus: 401,
  },
  {
    name: '403 insufficient plan level is not a credit problem',
    reply: fromFixture('piapi/error-403-plan-level.json'),
    op: 'create',
    kind: 'auth',
    httpStatus: 403,
    message: /Insufficient plan level/,
  },
  {
    name: '200 envelope with code 401',
    reply: { status: 200, body: { code: 401, data: null, message: 'unauthorized' } },
    op: 'get',
    kind: 'auth',
    httpStatus: 200,
  },
  {
    name: '402',
    reply: fromFixture('piapi/error-402-insufficient.json'),
    op: 'create',
    kind: 'insufficient_credits',
    httpStatus: 402,
  },
  {
    name: '400 mentioning the balance',
    reply: { status: 400, body: { code: 400, message: 'Insufficient balance, please top up' } },
    op: 'create',
    kind: 'insufficient_credits',
  },
  {
    name: '200 envelope with code 402',
    reply: { status: 200, body: { code: 402, data: null, message: 'quota exhausted' } },
    op: 'create',
    kind: 'insufficient_credits',
    message: /envelope code 402: quota exhausted/,
  },
  {
    name: '400 invalid parameters',
    reply: fromFixture('piapi/error-400-invalid-params.json'),
    op: 'create',
    kind: 'validation',
    httpStatus: 400,
    message: /PiAPI POST \/api\/v1\/task: HTTP 400: Invalid request parameters/,
  },
  {
    name: '422',
    reply: { status: 422, body: { code: 422, message: 'duration must be 5 or 10' } },
    op: 'create',
    kind: 'validation',
  },
  {
    name: '400 mentioning the content policy',
    reply: { status: 400, body: { code: 400, message: 'prompt contains sensitive content' } },
    op: 'create',
    kind: 'content_policy',
  },
  {
    name: '200 envelope with the Seedance moderation code 10003',
    reply: { status: 200, body: { code: 10003, data: null, message: 'Invalid Request' } },
    op: 'create',
    kind: 'content_policy',
  },
  {
    name: '404 unknown task',
    reply: fromFixture('piapi/error-404-task.json'),
    op: 'get',
    kind: 'not_found',
    httpStatus: 404,
  },
  {
    name: '400 "task not found" on lookup',
    reply: { status: 400, body: { code: 400, message: 'task not found' } },
    op: 'get',
    kind: 'not_found',
  },
  {
    name: '429 with Retry-After seconds',
    reply: fromFixture('piapi/error-429-retry-after.json'),
    op: 'create',
    kind: 'rate_limited',
    httpStatus: 429,
    retryAfterMs: 7000,
  },
  { name: '500', reply: fromFixture('piapi/error-500.json'), op: 'get', kind: 'server', httpStatus: 500 },
  {
    name: '502 HTML',
    reply: { status: 502, body: '<html><body>Bad gateway</body></html>' },
    op: 'get',
    kind: 'server',
  },
  { name: '503', reply: { status: 503, body: { code: 503, message: 'busy' } }, op: 'create', kind: 'server' },
  { name: '504', reply: { status: 504, body: '' }, op: 'create', kind: 'server', message: /HTTP 504: empty body/ },
  {
    name: 'Cloudflare 522 page',
    reply: {
      status: 522,
      body: '<!DOCTYPE html>\n<html>\n<title>Connection timed out | api.piapi.ai | Cloudflare</title>',
    },
    op: 'get',
    kind: 'server',
    httpStatus: 522,
    message: /HTTP 522: <!DOCTYPE html> <html> <title>Connection timed out/,
  },
  {
    name: '200 with HTML',
    reply: { status: 200, body: '<html>maintenance</html>' },
    op: 'get',
    kind: 'protocol',
    httpStatus: 200,
  },
  { name: '200 with an empty body', reply: { status: 200 }, op: 'create', kind: 'protocol' },
  {
    name: '200 with a non-task envelope',
    reply: fromFixture('piapi/upload-success.json'),
    op: 'get',
    kind: 'protocol',
  },
  { name: 'connection refused', reply: 'refused', op: 'create', kind: 'network', requestSent: false },
  { name: 'no answer', reply: 'hang', op: 'create', kind: 'network', requestSent: true },
];

const runwayCases: Case[] = [
  { name: '401', reply: fromFixture('runway/error-401.json'), op: 'get', kind: 'auth', httpStatus: 401 },
  {
    name: '403 model variant not available',
    reply: fromFixture('runway/error-403-model-variant.json'),
    op: 'create',
    kind: 'auth',
    message: /HTTP 403: model unavailable to this account: Model variant gen3a_turbo is not available/,
  },
  {
    name: '400 not enough credits',
    reply: fromFixture('runway/error-400-credits.json'),
    op: 'create',
    kind: 'insufficient_credits',
    httpStatus: 400,
  },
  {
    name: '400 validation (too big)',
    reply: fromFixture('runway/error-400-validation-too-big.json'),
    op: 'create',
    kind: 'validation',
    message: /HTTP 400: Validation of body failed: videoUri: Asset duration must be at most 30 seconds$/,
  },
  {
    name: '400 validation (no matching discriminator)',
    reply: fromFixture('runway/error-400-validation-union.json'),
    op: 'create',
    kind: 'validation',
    message: /model: Invalid input: expected string, received undefined; model: Invalid input$/,
  },
  {
    name: '400 asset fetch failure',
    reply: fromFixture('runway/error-400-asset-fetch.json'),
    op: 'create',
    kind: 'validation',
    message: /videoUri: Failed to fetch asset\. Received HTTP response code "404"\./,
  },
  {
    name: '400 invalid ratio',
    reply: fromFixture('runway/error-400-invalid-ratio.json'),
    op: 'create',
    kind: 'validation',
    message: /ratio: Invalid option/,
  },
  {
    name: '400 missing On-Behalf-Of',
    reply: fromFixture('runway/error-400-on-behalf-of.json'),
    op: 'create',
    kind: 'validation',
  },
  { name: '400 safety', reply: fromFixture('runway/error-400-safety.json'), op: 'create', kind: 'content_policy' },
  { name: '405', reply: fromFixture('runway/error-405.json'), op: 'get', kind: 'validation', httpStatus: 405 },
  { name: '422', reply: { status: 422, body: { error: 'Unprocessable' } }, op: 'create', kind: 'validation' },
  {
    name: '404 unknown task',
    reply: fromFixture('runway/error-404-task.json'),
    op: 'get',
    kind: 'not_found',
    message: /Runway GET \/v1\/tasks\/\{id\}: HTTP 404: Could not find Task/,
  },
  {
    name: '429 on create: the daily generations cap, whatever its Retry-After',
    reply: fromFixture('runway/error-429.json'),
    op: 'create',
    kind: 'quota_exhausted',
    retryAfterMs: 30_000,
    message:
      /^Runway POST \/v1\/image_to_video: HTTP 429: You have exceeded your daily generation limit\. \(Runway's maximum daily generations for this model, a rolling 24-hour window: not retried; /,
  },
  {
    name: '429 with retry-after-ms on a lookup',
    reply: fromFixture('runway/error-429-ms.json'),
    op: 'get',
    kind: 'rate_limited',
    retryAfterMs: 1500,
  },
  { name: '408', reply: { status: 408, body: { error: 'timeout' } }, op: 'get', kind: 'server' },
  { name: '409', reply: { status: 409, body: { error: 'conflict' } }, op: 'create', kind: 'server' },
  { name: '500', reply: { status: 500, body: { error: 'Internal' } }, op: 'get', kind: 'server' },
  { name: '502', reply: fromFixture('runway/error-502.json'), op: 'get', kind: 'server' },
  {
    name: '503 with Retry-After',
    reply: { ...fromFixture('runway/error-503.json'), headers: { 'Retry-After': '2' } },
    op: 'create',
    kind: 'server',
    retryAfterMs: 2000,
  },
  { name: '504', reply: fromFixture('runway/error-504.json'), op: 'get', kind: 'server' },
  { name: '200 with HTML', reply: { status: 200, body: '<html></html>' }, op: 'get', kind: 'protocol' },
  {
    name: '200 create without an id',
    reply: { status: 200, body: { estimatedCost: { credits: 5 } } },
    op: 'create',
    kind: 'protocol',
  },
  {
    name: '200 with a non-task body',
    reply: { status: 200, body: { error: 'Could not find Task' } },
    op: 'get',
    kind: 'protocol',
  },
  { name: 'connection refused', reply: 'refused', op: 'get', kind: 'network', requestSent: false },
  { name: 'no answer', reply: 'hang', op: 'get', kind: 'network', requestSent: true },
];

const generation: Omit<GenerationRequest, 'model'> = {
  prompt: 'A red fox runs through fresh snow',
  durationSec: 5,
  aspectRatio: '16:9',
  imageUrl: 'https://cdn.example.com/fox.png',
};

describe.each([
  {
    api: 'PiAPI',
    cases: piapiCases,
    client: (baseUrl: string) => createPiapiClient({ baseUrl, apiKey, timeoutMs: 2_000 }),
    model: { route: 'piapi', model: 'kling' } as const,
  },
  {
    api: 'Runway',
    cases: runwayCases,
    client: (baseUrl: string) => createRunwayClient({ baseUrl, apiKey, timeoutMs: 2_000 }),
    model: { route: 'runway', model: 'gen4_turbo' } as const,
  },
])('$api error classification over HTTP', ({ cases, client, model }) => {
  let stub: StubServer;
  let refusedUrl: string;
  beforeAll(async () => {
    stub = await startStubServer();
    refusedUrl = await closedPortUrl();
  });
  afterAll(() => stub.close());

  it.each(cases)('$name → $kind', async (c) => {
    if (c.reply === 'hang') stub.reply({ status: 200, hang: true });
    else if (c.reply !== 'refused') stub.reply(c.reply);
    const provider: VideoProviderClient = client(c.reply === 'refused' ? refusedUrl : stub.baseUrl);
    const attempt = c.op === 'create' ? provider.createTask({ ...generation, model }) : provider.getTask('task-123');
    const err = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(ProviderError);
    const error = err as ProviderError;
    expect(error.kind).toBe(c.kind);
    expect(error.retryable).toBe(['rate_limited', 'server', 'network'].includes(c.kind));
    expect(error.requestSent).toBe(c.requestSent ?? true);
    if (c.httpStatus !== undefined) expect(error.httpStatus).toBe(c.httpStatus);
    if (c.retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(c.retryAfterMs);
    if (c.message) expect(error.message).toMatch(c.message);
    expect(error.message).not.toContain(apiKey);
    expect(JSON.stringify(error)).not.toContain(apiKey);
  });
});

describe('classification covers every error kind for both APIs', () => {
  const common = [
    'auth',
    'content_policy',
    'insufficient_credits',
    'network',
    'not_found',
    'protocol',
    'rate_limited',
    'server',
    'validation',
  ];
  it.each([
    // PiAPI does not document what its 429 means: it stays a rate limit, retried.
    ['PiAPI', piapiCases, common],
    ['Runway', runwayCases, [...common, 'quota_exhausted'].sort()],
  ])('%s', (_api, cases, expected) => {
    const kinds = new Set(cases.map((c) => c.kind));
    expect([...kinds].sort()).toEqual(expected);
  });
});
