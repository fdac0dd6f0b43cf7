import { temporal } from '@temporalio/proto';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { workerEnv } from '../../dev/harness/worker-env';
import { spawnWorkerProcess, type WorkerProcess } from '../../dev/harness/worker-process';
import { freePort } from '../../dev/stack/free-port';
import { cancelSceneVideo, getSceneProgress, startSceneVideo } from '../../src/client';
import type { SceneVideoResult } from '../../src/contract/scene-workflow';
import { signWebhookToken } from '../../src/webhooks/token';
import { stackInfo } from '../helpers/stack-info';
import { waitFor } from '../helpers/wait-for';
import { scrapeMetrics, sumOf } from '../../dev/stack/prometheus-scrape';
import { pipelineMetrics as m } from '../../src/contract/metrics';
import { connectClient, uniqueTaskQueue } from '../helpers/temporal';

const renderMs = 2_000;
const attackerUrl = 'https://attacker.invalid/forged.mp4';

let sandbox: Sandbox;
let client: Client;
let connection: Connection;
const workers: WorkerProcess[] = [];

/** A worker process with webhooks on (PiAPI only, so every attempt registers one), serving its own receiver. */
const workerSecrets = new Map<string, { secret: string; port: number; metricsUrl: string }>();

async function webhookWorker(backstopSec: number): Promise<string> {
  const port = await freePort();
  const metricsPort = await freePort();
  const taskQueue = uniqueTaskQueue('webhooks');
  const env = {
    ...workerEnv(stackInfo(), sandbox, { taskQueue, providers: ['piapi'] }),
    WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    WEBHOOK_SECRET: randomBytes(32).toString('hex'),
    WEBHOOK_PORT: String(port),
    WEBHOOK_BACKSTOP_POLL_SEC: String(backstopSec),
    WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
  };
  workerSecrets.set(taskQueue, {
    secret: env.WEBHOOK_SECRET,
    port,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
  });
  const worker = spawnWorkerProcess({ env, readyTimeoutMs: 60_000 });
  workers.push(worker);
  await worker.ready;
  expect(worker.output()).toContain(`Webhook receiver on http://127.0.0.1:${port}/webhooks/piapi/`);
  return taskQueue;
}

function startScene(taskQueue: string, label: string) {
  return startSceneVideo(
    client,
    {
      sceneId: `${label}-${randomUUID().slice(0, 8)}`,
      sceneType: 'product',
      prompt: 'A bottle on a marble table, slow orbit',
      durationSec: 5,
      aspectRatio: '16:9',
      polling: { intervalMs: 200, providerDeadlineMs: 120_000 },
    },
    { taskQueue },
  );
}

type StartedScene = Awaited<ReturnType<typeof startScene>>;

/** Scheduled activities, signals and activity cancel requests, in history order. */
async function historyEvents(started: StartedScene): Promise<{ events: string[]; json: string }> {
  const history = await started.handle.fetchHistory();
  const events = (history.events ?? []).flatMap((e) => {
    const scheduled = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (scheduled) return [`scheduled:${scheduled}`];
    if (e.activityTaskCancelRequestedEventAttributes) return ['cancel-requested'];
    const signal = e.workflowExecutionSignaledEventAttributes?.signalName;
    return signal ? [`signal:${signal}`] : [];
  });
  return { events, json: JSON.stringify(history) };
}

async function runScene(
  taskQueue: string,
  label: string,
): Promise<{ result: SceneVideoResult; events: string[]; run: { workflowId: string; runId: string } }> {
  const started = await startScene(taskQueue, label);
  const result = await started.handle.result();
  const { events } = await historyEvents(started);
  return {
    result,
    events,
    run: { workflowId: started.handle.workflowId, runId: (await started.handle.describe()).runId },
  };
}

const requestsTo = (route: string) => Object.values(sandbox.stats().requests[route] ?? {}).reduce((a, b) => a + b, 0);
const taskGets = () => requestsTo('GET /api/v1/task/:id');

let slowBackstop: string;
let fastBackstopQueue: string | undefined;
/** A worker whose backstop checks every second, started once for the tests that need it. */
const fastBackstop = async () => (fastBackstopQueue ??= await webhookWorker(1));
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: { default: { queueMs: 200, renderMs } } });
  ({ client, connection } = await connectClient());
  slowBackstop = await webhookWorker(120);
}, 90_000);
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await connection?.close();
  await sandbox?.close();
});

describe('webhooks first, polling as the safety net', () => {
  it('completes a scene from its webhook, with one status check and no poll holding a slot', async () => {
    sandbox.setScenario({ default: { queueMs: 200, renderMs } });
    const getsBefore = taskGets();
    const { result, events } = await runScene(slowBackstop, 'webhook');

    expect(result.stored).toBe(true);
    expect(result.attempts).toHaveLength(1);
    expect(events).toContain('scheduled:checkTask');
    expect(events).not.toContain('scheduled:pollStatus');
    expect(events.filter((e) => e === 'signal:providerTaskEvent').length).toBeGreaterThanOrEqual(1);
    // The backstop's first check, right after the create; its next would come 120 s later.
    expect(taskGets() - getsBefore).toBe(1);

    // Recorded by the workflow when the webhook told the end, as a poll records it; in flight back to 0.
    const provider = result.provider;
    const samples = await waitFor(async () => {
      const scraped = await scrapeMetrics(workerSecrets.get(slowBackstop)!.metricsUrl);
      return sumOf(scraped, `${m.renderSeconds.name}_count`, { provider }) > 0 ? scraped : undefined;
    }, 10_000);
    expect(sumOf(samples, `${m.renderSeconds.name}_sum`, { provider })).toBeGreaterThan(renderMs / 1000 - 0.5);
    expect(sumOf(samples, `${m.detectionDelaySeconds.name}_count`, { provider })).toBeGreaterThan(0);
  });

  it('answers a genuine webhook for a run that has ended with 200, changing nothing', async () => {
    sandbox.setScenario({ default: { queueMs: 200, renderMs } });
    const { run } = await runScene(slowBackstop, 'ended');
    const { secret, port } = workerSecrets.get(slowBackstop)!;
    const token = signWebhookToken(secret, { ...run, attempt: 1 });
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/piapi/${token}`, {
      method: 'POST',
      headers: { 'x-webhook-secret': secret, 'content-type': 'application/json' },
      body: JSON.stringify({
        timestamp: 1,
        data: { task_id: 'late', status: 'failed', error: { code: 1, message: 'late' } },
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ outcome: 'stale' });
  });

  it('refuses every forgery and completes with the real clip, once, despite duplicates and reordering', async () => {
    sandbox.setScenario({
      default: { queueMs: 200, renderMs },
      webhook: { forge: { rate: 1 }, duplicate: { rate: 1, copies: 2 }, reorder: { rate: 0.5 } },
    });
    const { result } = await runScene(slowBackstop, 'forged');

    expect(result.stored).toBe(true);
    expect(result.attempts).toHaveLength(1);
    expect(result.providerVideoUrl).not.toBe(attackerUrl);
    expect(result.providerVideoUrl.startsWith(sandbox.origin)).toBe(true);
    const { forged, duplicated } = sandbox.stats().webhooks;
    expect(duplicated).toBeGreaterThan(0);
    expect(forged.wrong_secret.answered).toEqual({ 401: forged.wrong_secret.sent });
    expect(forged.missing_secret.answered).toEqual({ 401: forged.missing_secret.sent });
    expect(forged.tampered_token.answered).toEqual({ 403: forged.tampered_token.sent });
    expect(forged.wrong_secret.sent).toBeGreaterThan(0);
    // Another task's genuine body under this scene's token passes the receiver; the workflow keeps only its own task.
    expect(forged.cross_task.sent).toBeGreaterThan(0);
  });

  it("ends an attempt whose task hangs at the provider deadline, not the deadline plus the queue's", async () => {
    const fastBackstop = await webhookWorker(1);
    sandbox.setScenario({
      default: { queueMs: 200, renderMs },
      models: { 'piapi:luma': { faults: [{ kind: 'hang' }] } },
    });
    const started = await startSceneVideo(
      client,
      {
        sceneId: `hang-${randomUUID().slice(0, 8)}`,
        sceneType: 'product',
        prompt: 'A bottle on a marble table, slow orbit',
        durationSec: 5,
        aspectRatio: '16:9',
        allowedProviders: ['luma', 'kling'],
        polling: { intervalMs: 200, providerDeadlineMs: 4_000, queueDeadlineMs: 600_000 },
      },
      { taskQueue: fastBackstop },
    );
    const result = await started.handle.result();
    expect(result.attempts.map((a) => [a.provider, a.state, a.reason])).toEqual([
      ['luma', 'failed', 'deadline'],
      ['kling', 'succeeded', 'succeeded'],
    ]);
    expect(result.attempts[0]!.error).toMatch(/provider deadline \(polling\.providerDeadlineMs/);
  });

  it('completes the scene by the backstop when every webhook is lost', async () => {
    sandbox.setScenario({ default: { queueMs: 200, renderMs }, webhook: { lose: { rate: 1 } } });
    const getsBefore = taskGets();
    const { result, events } = await runScene(await fastBackstop(), 'lost');

    expect(result.stored).toBe(true);
    expect(events).not.toContain('signal:providerTaskEvent');
    // One check a second over a render of about 2.2 s.
    expect(taskGets() - getsBefore).toBeGreaterThanOrEqual(2);
    expect(sandbox.stats().webhooks.lost).toBeGreaterThan(0);
  });

  it('a cancel while the scene waits for its webhook stops the backstop and cancels the queued task, once', async () => {
    sandbox.setScenario({ default: { queueMs: 60_000, renderMs } });
    const [createsBefore, deletesBefore] = [requestsTo('POST /api/v1/task'), requestsTo('DELETE /api/v1/task/:id')];
    const started = await startScene(slowBackstop, 'cancelled');
    await waitFor(async () => (await getSceneProgress(client, started.handle.workflowId)).attempts[0]?.taskId, 30_000);
    await cancelSceneVideo(client, started.handle.workflowId);

    await expect(started.handle.result()).rejects.toThrow(/cancel/i);
    const { events, json } = await historyEvents(started);
    expect(events.filter((e) => e.startsWith('scheduled:'))).toEqual([
      'scheduled:createTask',
      'scheduled:checkTask',
      'scheduled:cancelTask',
    ]);
    expect(events).toContain('cancel-requested');
    expect(requestsTo('POST /api/v1/task') - createsBefore).toBe(1);
    expect(requestsTo('DELETE /api/v1/task/:id') - deletesBefore).toBe(1);
    const progress = await getSceneProgress(client, started.handle.workflowId);
    expect(progress.phase).toBe('cancelled');
    expect(progress.totalCostUsd).toBe(0);
    // Neither the secret nor the token is in the run's history.
    const { secret } = workerSecrets.get(slowBackstop)!;
    const runId = (await started.handle.describe()).runId;
    expect(json).not.toContain(secret);
    expect(json).not.toContain(signWebhookToken(secret, { workflowId: started.handle.workflowId, runId, attempt: 1 }));
  });

  it('a terminal webhook racing the backstop terminal answer uploads the clip once', async () => {
    const taskQueue = await fastBackstop();
    // Each webhook lands within a second of the backstop check that also sees the task completed.
    sandbox.setScenario({ default: { queueMs: 200, renderMs }, webhook: { delayMs: { min: 0, max: 1_500 } } });
    const createsBefore = requestsTo('POST /api/v1/task');
    const scenes = await Promise.all([1, 2, 3, 4].map(() => startScene(taskQueue, 'race')));
    for (const started of scenes) {
      const result = await started.handle.result();
      expect(result.stored).toBe(true);
      expect(result.attempts).toHaveLength(1);
      const { events } = await historyEvents(started);
      expect(events.filter((e) => e === 'scheduled:uploadToS3')).toHaveLength(1);
    }
    expect(requestsTo('POST /api/v1/task') - createsBefore).toBe(scenes.length);
  });

  it('a webhook of 200 KiB claiming the task completed fails that attempt cleanly, without breaking the run', async () => {
    sandbox.setScenario({ default: { queueMs: 60_000, renderMs } });
    const started = await startScene(slowBackstop, 'huge');
    const workflowId = started.handle.workflowId;
    const taskId = await waitFor(async () => (await getSceneProgress(client, workflowId)).attempts[0]?.taskId, 30_000);
    const { secret, port } = workerSecrets.get(slowBackstop)!;
    const runId = (await started.handle.describe()).runId;
    const token = signWebhookToken(secret, { workflowId, runId, attempt: 1 });
    const videoUrl = `${sandbox.origin}/${'v'.repeat(200 * 1024)}.mp4`;
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/piapi/${token}`, {
      method: 'POST',
      headers: { 'x-webhook-secret': secret, 'content-type': 'application/json' },
      body: JSON.stringify({
        timestamp: 1,
        data: { task_id: taskId, status: 'completed', output: { video: videoUrl } },
      }),
    });
    expect(res.status).toBe(200);

    // The download fails; the scene goes on to its next provider, whose task then waits in the queue.
    const progress = await waitFor(async () => {
      const p = await getSceneProgress(client, workflowId);
      return p.attempts.length >= 2 ? p : undefined;
    }, 60_000);
    expect(progress.attempts[0]!.state).toBe('failed');
    expect(progress.attempts[0]!.error!.length).toBeLessThan(4_096);
    await cancelSceneVideo(client, workflowId);
    await expect(started.handle.result()).rejects.toThrow(/cancel/i);
    const history = await started.handle.fetchHistory();
    // UNHANDLED_COMMAND is the server turning away a completion that raced a new event (a signal during the cancel),
    // which the SDK retries at once: a race, not a failure of the workflow's code.
    const unhandled = temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND;
    const failed = history.events!.filter(
      (e) => e.workflowTaskFailedEventAttributes && e.workflowTaskFailedEventAttributes.cause !== unhandled,
    );
    expect(failed).toEqual([]);
  });
});
