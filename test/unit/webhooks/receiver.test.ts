import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderTaskEvent } from '../../../src/contract/provider-webhook';
import { createWebhookHandler, maxWebhookBodyBytes, type WebhookOutcome } from '../../../src/webhooks/receiver';
import { signWebhookToken } from '../../../src/webhooks/token';

const secret = 's'.repeat(40);
const binding = { workflowId: 'scene-video:scene:s1', runId: 'run-1', attempt: 1 };
const body = JSON.stringify({
  timestamp: 1,
  data: {
    task_id: 'task-1',
    model: 'kling',
    task_type: 'video_generation',
    status: 'completed',
    output: { video: 'https://cdn.example/v.mp4' },
  },
});

// The Temporal client is the edge under the receiver: a stand-in records the signals (the stack test uses the real one).
type Signalled = { workflowId: string; runId?: string; event: ProviderTaskEvent };
let server: Server | undefined;
afterEach(() => server?.close());

async function receiver(signal: (s: Signalled) => Promise<void> = async () => undefined) {
  const outcomes: WebhookOutcome[] = [];
  const messages: string[] = [];
  const signals: Signalled[] = [];
  const handle = createWebhookHandler({
    secret,
    client: {
      getHandle: ((workflowId: string, runId?: string) => ({
        signal: async (_def: unknown, event: ProviderTaskEvent) => {
          const s = { workflowId, runId, event };
          await signal(s);
          signals.push(s);
        },
      })) as never,
    },
    report: (outcome, message) => {
      outcomes.push(outcome);
      messages.push(message);
    },
  });
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (path: string, headers: Record<string, string>, payload: string | Buffer = body) =>
    fetch(`${base}${path}`, { method: 'POST', headers, body: payload }).then((r) => r.status);
  return { outcomes, messages, signals, post };
}

const path = `/webhooks/piapi/${signWebhookToken(secret, binding)}`;

describe('webhook receiver', () => {
  it('delivers a verified notification to the run and attempt its token names', async () => {
    const r = await receiver();
    expect(await r.post(path, { 'x-webhook-secret': secret })).toBe(200);
    expect(r.signals).toHaveLength(1);
    expect(r.signals[0]).toMatchObject({ workflowId: binding.workflowId, runId: binding.runId, event: { attempt: 1 } });
    expect(r.signals[0]!.event.snapshot).toMatchObject({
      taskId: 'task-1',
      state: 'succeeded',
      videoUrl: 'https://cdn.example/v.mp4',
    });
  });

  it('finds the route under the path WEBHOOK_PUBLIC_URL may carry, when the proxy passes that path on', async () => {
    const r = await receiver();
    expect(await r.post(`/piapi-hooks${path}`, { 'x-webhook-secret': secret })).toBe(200);
    expect(await r.post(`/piapi-hooks/webhooks/piapi/x${path}`, { 'x-webhook-secret': secret })).toBe(200);
    expect(await r.post(`/piapi-hooks/webhooks/piapi/x`, { 'x-webhook-secret': secret })).toBe(403);
    expect(r.outcomes).toEqual(['delivered', 'repeat', 'bad_token']);
  });

  it('signals each task state once: a redelivered or repeated notification is answered 200 and not signalled again', async () => {
    const r = await receiver();
    const running = body.replace('"completed"', '"processing"');
    expect(await r.post(path, { 'x-webhook-secret': secret }, running)).toBe(200);
    expect(await r.post(path, { 'x-webhook-secret': secret }, running)).toBe(200);
    expect(await r.post(path, { 'x-webhook-secret': secret })).toBe(200);
    expect(await r.post(path, { 'x-webhook-secret': secret })).toBe(200);
    expect(r.signals.map((s) => s.event.snapshot.state)).toEqual(['running', 'succeeded']);
    expect(r.outcomes).toEqual(['delivered', 'repeat', 'delivered', 'repeat']);
  });

  it('does not signal a queued task: the scene knows it from the create', async () => {
    const r = await receiver();
    expect(await r.post(path, { 'x-webhook-secret': secret }, body.replace('"completed"', '"pending"'))).toBe(200);
    expect(r.signals).toHaveLength(0);
    expect(r.outcomes).toEqual(['queued']);
  });

  it('refuses a wrong or missing secret, a bad token and unreadable or oversized bodies, signalling nothing', async () => {
    const r = await receiver();
    expect(await r.post(path, {})).toBe(401);
    expect(await r.post(path, { 'x-webhook-secret': `${secret}x` })).toBe(401);
    expect(await r.post(`${path}x`, { 'x-webhook-secret': secret })).toBe(403);
    expect(await r.post('/webhooks/piapi/', { 'x-webhook-secret': secret })).toBe(403);
    expect(await r.post(path, { 'x-webhook-secret': secret }, '{"data":')).toBe(400);
    expect(await r.post(path, { 'x-webhook-secret': secret }, Buffer.alloc(maxWebhookBodyBytes + 1, 32))).toBe(413);
    expect(await r.post('/elsewhere', { 'x-webhook-secret': secret })).toBe(404);
    expect(r.signals).toHaveLength(0);
    expect(r.outcomes).toEqual([
      'bad_secret',
      'bad_secret',
      'bad_token',
      'bad_token',
      'unreadable',
      'too_large',
      'not_found',
    ]);
  });

  it('answers 200 for a run that has ended, and 503 while Temporal cannot take the signal so the provider resends', async () => {
    const ended = await receiver(async () => {
      throw new WorkflowNotFoundError('gone', binding.workflowId, binding.runId);
    });
    expect(await ended.post(path, { 'x-webhook-secret': secret })).toBe(200);
    expect(ended.outcomes).toEqual(['stale']);
    server?.close();
    // As the client throws it: what went wrong is only in the cause, which the log line must carry.
    const down = await receiver(async () => {
      throw new ServiceError('Failed to signal Workflow', { cause: new Error('14 UNAVAILABLE: tcp connect error') });
    });
    expect(await down.post(path, { 'x-webhook-secret': secret })).toBe(503);
    expect(down.outcomes).toEqual(['temporal_unavailable']);
    expect(down.messages[0]).toMatch(/Failed to signal Workflow: 14 UNAVAILABLE: tcp connect error$/);
  });
});
