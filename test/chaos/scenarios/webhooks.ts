import { randomBytes } from 'node:crypto';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { startSceneVideo } from '../../../src/client';
import { startSandbox, type Sandbox, type ScenarioInput } from '../../../dev/sandbox';
import { spawnWorkerProcess, type WorkerProcess } from '../../../dev/harness/worker-process';
import { freePort } from '../../../dev/stack/free-port';
import type { ProviderTaskEvent } from '../../../src/contract/provider-webhook';
import { parsePiapiTask } from '../../../src/providers';
import { activityRuns, fetchHistories, stallOf, type History, type Stall } from '../../../bench/lib/histories';
import { quantile } from '../../../bench/lib/stats';
import type { ChaosStack } from '../lib/chaos-stack';
import { concludeScenario } from '../lib/conclude';
import { collectOutcomes, waitForWorkflows, type SceneOutcome } from '../lib/outcomes';
import { emptyReport, tallyStored, type ScenarioReport } from '../lib/report';
import { sandboxKey } from '../lib/sandbox-key';
import { chaosScene, input, runTag } from '../lib/scenes';
import { findSecrets, scanWorkflows, workerSecrets, type Secret } from '../lib/secret-scan';
import { WorkerSupervisor } from '../lib/worker-process';

export interface WebhooksOptions {
  /** Part 1: PiAPI scenes under forged, duplicated, reordered, delayed and lost webhooks. */
  scenes: number;
  /** WEBHOOK_BACKSTOP_POLL_SEC of part 1: what completes the scenes whose completion webhook was lost. */
  backstopSec: number;
  /** Part 2: the receiver, in its own `scene-video webhooks` process, SIGKILLed for `downMs` while scenes finish. */
  outage: {
    /** Scenes started before the kill: they finish while the receiver is down. */
    scenesBefore: number;
    /** Scenes started `duringAfterMs` into the outage: their webhooks all wait for the receiver. */
    scenesDuring: number;
    duringAfterMs: number;
    downMs: number;
    backstopSec: number;
    /** Per PiAPI model, in `piapiModels` order: scene `i` renders `renderSec[i % 5]`. */
    renderSec: number[];
    /** The sandbox's redelivery interval; it redelivers for twice the outage, so no notification is given up. */
    redeliverEveryMs: number;
  };
}

/** Every clip padded to one size, so the storage audit can tell a whole object from a cut one. */
const videoBytes = 1024 * 1024;
const piapiModels = ['kling', 'luma', 'hailuo', 'hunyuan', 'veo'];
const attackerUrl = 'https://attacker.invalid/forged.mp4';
const receiverEntry = {
  path: join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts'),
  args: ['webhooks'],
  readyLine: 'Webhook receiver on ',
};

/**
 * PiAPI scenes whose webhooks are forged, duplicated, reordered, delayed and lost, then a receiver that is down for a
 * minute: no forgery is accepted, no scene completes twice, every lost completion is found by the backstop, and every
 * scene stores its own clip once.
 */
export async function webhooks(stack: ChaosStack, opts: WebhooksOptions): Promise<ScenarioReport> {
  const report = emptyReport('webhooks');
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  try {
    const baseline = await spoiledWebhooks(stack, client, report, opts);
    await receiverOutage(stack, client, report, opts, baseline);
    return report;
  } finally {
    await connection.close();
  }
}

/** Part 1; resolves to the median completion → upload of the scenes a webhook completed, in ms. */
async function spoiledWebhooks(
  stack: ChaosStack,
  client: Client,
  report: ScenarioReport,
  opts: WebhooksOptions,
): Promise<number> {
  const tag = runTag('w');
  const prefix = `chaos-${tag}`;
  const taskQueue = `chaos-${tag}`;
  const sandbox = await startSandbox({
    scenario: {
      videoBytes,
      default: { queueMs: 500 },
      // Renders of 2–6 s, so completions fall at every phase of the backstop's interval.
      models: Object.fromEntries(piapiModels.map((p, i) => [sandboxKey(p), { renderMs: 2_000 + 1_000 * i }])),
      webhook: {
        lose: { rate: 0.3 },
        duplicate: { rate: 0.5, copies: 2 },
        delayMs: { min: 0, max: 1_000 },
        reorder: { rate: 0.5 },
        forge: { rate: 0.5, url: attackerUrl },
      },
    },
  });
  const port = await freePort();
  const secret = randomBytes(32).toString('hex');
  const worker = new WorkerSupervisor({
    stack,
    sandbox,
    taskQueue,
    s3Prefix: prefix,
    env: {
      WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${port}`,
      WEBHOOK_SECRET: secret,
      WEBHOOK_PORT: String(port),
      WEBHOOK_BACKSTOP_POLL_SEC: String(opts.backstopSec),
    },
  });
  try {
    await worker.start();
    const scenes = Array.from({ length: opts.scenes }, (_, i) => piapiScene(tag, i));
    const ids: string[] = [];
    for (const scene of scenes) ids.push((await startSceneVideo(client, input(scene), { taskQueue })).workflowId);
    const stuck = await waitForWorkflows(client, ids, 4 * 60_000);
    const outcomes = await collectOutcomes(client, scenes, ids, stuck);
    tallyStored(report, outcomes);
    const traces = await traceScenes(client, sandbox, outcomes, report);

    const { webhooks: hooks } = sandbox.stats();
    const forged = Object.entries(hooks.forged);
    const forgeries = forged.reduce((n, [, f]) => n + f.sent, 0);
    report.faults += forgeries + hooks.lost + hooks.duplicated + hooks.reordered + hooks.delayed;
    const refusal: Record<string, string> = { wrong_secret: '401', missing_secret: '401', tampered_token: '403' };
    for (const [kind, f] of forged) {
      const answers = Object.entries(f.answered)
        .map(([status, n]) => `${n} × ${status}`)
        .join(', ');
      report.figures.push(`forgeries ${kind}: ${f.sent} sent, answered ${answers || 'nothing'}`);
      if (f.sent === 0) report.problems.push(`no ${kind} forgery was sent: the scenario did not exercise it`);
      const expected = refusal[kind];
      const accepted = Object.entries(f.answered).filter(([status]) => status !== expected);
      if (expected && accepted.length > 0)
        report.problems.push(`${kind} forgeries answered other than ${expected}: ${JSON.stringify(f.answered)}`);
    }
    const lostScenes = traces.filter((t) => !t.heardEnd);
    const deaf = traces.filter((t) => t.ownSignals === 0);
    for (const t of lostScenes.filter((t) => t.by !== 'backstop'))
      report.problems.push(`${t.workflowId}: its completion webhook never came, yet no backstop check completed it`);
    const byWebhook = traces.filter((t) => t.by === 'webhook');
    const byBackstop = traces.filter((t) => t.by === 'backstop');
    report.figures.push(
      `${opts.scenes} PiAPI scenes (${piapiModels.join(', ')}; renders 2–6 s), backstop every ${opts.backstopSec} s`,
      `notifications: ${hooks.sent} sent (${hooks.attempts} POSTs), ${hooks.lost} lost, ${hooks.duplicated} duplicate copies, ` +
        `${hooks.reordered} reordered, ${hooks.delayed} delayed 0–1 s; ${forgeries} forgeries, ` +
        `${traces.reduce((n, t) => n + t.foreignSignals, 0)} cross-task bodies delivered to a scene and ignored by it`,
      `completion webhook lost for ${lostScenes.length} scene(s) (${deaf.length} heard no webhook of their task at all): ` +
        `${lostScenes.filter((t) => t.by === 'backstop').length} completed by the backstop`,
      `completed by webhook ${byWebhook.length}, by the backstop ${byBackstop.length} ` +
        `(${byBackstop.length - lostScenes.length} of them before a webhook that did come)`,
      latencyFigure('task completed → upload started, by webhook', byWebhook),
      latencyFigure('task completed → upload started, by the backstop', byBackstop),
    );
    await scanForSecrets(client, ids, [worker.output()], secret, sandbox, stack, report);
    await concludeScenario(report, {
      client,
      sandbox,
      outcomes,
      stuck,
      storage: { endpoint: stack.s3, prefix, videoBytes },
    });
    return percentile(byWebhook, 0.5);
  } finally {
    await worker.stop();
    await sandbox.close();
  }
}

/** Part 2: the receiver as its own process, down for `downMs` while every scene's task ends. */
async function receiverOutage(
  stack: ChaosStack,
  client: Client,
  report: ScenarioReport,
  opts: WebhooksOptions,
  baselineMs: number,
): Promise<void> {
  const { outage } = opts;
  const tag = runTag('wo');
  const prefix = `chaos-${tag}`;
  const taskQueue = `chaos-${tag}`;
  const { renderSec, redeliverEveryMs } = outage;
  const retries = Math.ceil((2 * outage.downMs) / redeliverEveryMs);
  const scenario: ScenarioInput = {
    videoBytes,
    default: { queueMs: 500 },
    models: Object.fromEntries(piapiModels.map((p, i) => [sandboxKey(p), { renderMs: renderSec[i]! * 1000 }])),
    webhook: { retries, retryDelayMs: redeliverEveryMs },
  };
  const sandbox = await startSandbox({ scenario });
  const port = await freePort();
  const secret = randomBytes(32).toString('hex');
  const receiverEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_CONFIG_FILE: devNull,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: stack.namespace,
    WEBHOOK_SECRET: secret,
    WEBHOOK_PORT: String(port),
  };
  const startReceiver = async () => {
    const receiver = spawnWorkerProcess({ env: receiverEnv, entry: receiverEntry, readyTimeoutMs: 60_000 });
    receivers.push(receiver);
    await receiver.ready;
    return receiver;
  };
  const receivers: WorkerProcess[] = [];
  const worker = new WorkerSupervisor({
    stack,
    sandbox,
    taskQueue,
    s3Prefix: prefix,
    env: {
      WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${port}`,
      WEBHOOK_SECRET: secret,
      WEBHOOK_BACKSTOP_POLL_SEC: String(outage.backstopSec),
    },
  });
  try {
    let receiver = await startReceiver();
    await worker.start();
    const scenes = Array.from({ length: outage.scenesBefore + outage.scenesDuring }, (_, i) => piapiScene(tag, i));
    const start = (from: number, to: number) =>
      Promise.all(
        scenes.slice(from, to).map(async (s) => (await startSceneVideo(client, input(s), { taskQueue })).workflowId),
      );
    const ids = await start(0, outage.scenesBefore);
    // Killed once every early task is rendering and its receiver heard so: their completions all fall in the outage.
    await until(
      () => {
        const { tasks, webhooks: hooks } = sandbox.stats();
        const rendering = tasks.filter((t) => t.status === 'processing').length;
        return rendering === outage.scenesBefore && hooks.delivered >= 2 * outage.scenesBefore;
      },
      60_000,
      'every early task rendering',
    );
    await receiver.kill();
    const downAt = Date.now();
    await sleep(outage.duringAfterMs);
    ids.push(...(await start(outage.scenesBefore, scenes.length)));
    await sleep(outage.downMs - (Date.now() - downAt));
    receiver = await startReceiver();
    const downForMs = Date.now() - downAt;
    report.faults++;

    const stuck = await waitForWorkflows(client, ids, 4 * 60_000);
    const outcomes = await collectOutcomes(client, scenes, ids, stuck);
    const earlier = report.scenes;
    tallyStored(report, outcomes);
    report.scenes += earlier;
    const traces = await traceScenes(client, sandbox, outcomes, report);
    const hooks = sandbox.stats().webhooks;
    if (hooks.failed > 0)
      report.problems.push(`${hooks.failed} notification(s) given up after ${retries} redeliveries`);
    const byWebhook = traces.filter((t) => t.by === 'webhook');
    const byBackstop = traces.filter((t) => t.by === 'backstop');
    const early = new Set(ids.slice(0, outage.scenesBefore));
    const waves = (ts: Trace[]) => {
      const before = ts.filter((t) => early.has(t.workflowId)).length;
      return `${before} started before the outage, ${ts.length - before} during`;
    };
    const extra = (ts: Trace[]) =>
      ts.length === 0 ? 'n/a' : `${((percentile(ts, 0.5) - baselineMs) / 1000).toFixed(1)} s`;
    report.figures.push(
      `receiver (\`scene-video webhooks\`) SIGKILLed, back ${(downForMs / 1000).toFixed(1)} s later; ` +
        `${outage.scenesBefore} scenes started before, ${outage.scenesDuring} ${outage.duringAfterMs / 1000} s into the outage; ` +
        `renders ${renderSec.join(', ')} s; backstop every ${outage.backstopSec} s`,
      `notifications: ${hooks.sent} sent, ${hooks.attempts} POSTs (redelivered every ${redeliverEveryMs / 1000} s, up to ${retries} times), ${hooks.failed} given up`,
      `completed by a redelivered webhook ${byWebhook.length} (${waves(byWebhook)}), by the backstop ${byBackstop.length} (${waves(byBackstop)})`,
      latencyFigure('task completed → upload started, by a redelivered webhook', byWebhook),
      latencyFigure('task completed → upload started, by the backstop', byBackstop),
      `extra latency over part 1's webhook median (${(baselineMs / 1000).toFixed(2)} s), p50: ` +
        `${extra(byWebhook)} by webhook, ${extra(byBackstop)} by the backstop`,
    );
    await scanForSecrets(
      client,
      ids,
      [worker.output(), ...receivers.map((r) => r.output())],
      secret,
      sandbox,
      stack,
      report,
    );
    await concludeScenario(report, {
      client,
      sandbox,
      outcomes,
      stuck,
      storage: { endpoint: stack.s3, prefix, videoBytes },
    });
  } finally {
    await worker.stop();
    await Promise.all(receivers.map((r) => r.stop()));
    await sandbox.close();
  }
}

/**
 * Scene `i` on one PiAPI model, in turn: every attempt registers a webhook, and no fallback hides a failure. 16:9, the
 * one aspect ratio every one of them renders.
 */
function piapiScene(tag: string, i: number) {
  return chaosScene(tag, i, {
    aspectRatio: '16:9',
    allowedProviders: [piapiModels[i % piapiModels.length]!],
    polling: { intervalMs: 1_000, providerDeadlineMs: 5 * 60_000 },
  });
}

/** What one scene's history and its provider task say about how it learnt that the task ended. */
interface Trace {
  workflowId: string;
  /** `providerTaskEvent` signals about the scene's own task. */
  ownSignals: number;
  /** Signals about other tasks: cross-task forgeries, which carry a valid token. */
  foreignSignals: number;
  /** A signal told the scene its own task ended. */
  heardEnd: boolean;
  /** A completed checkTask means the backstop learnt the end first; otherwise a webhook did. */
  by?: 'webhook' | 'backstop';
  /** The provider's end of the task → uploadToS3 started, in ms. */
  completionToUploadMs?: number;
  /** Where the scene spent its longest quiet stretch: explains a slow one. */
  stall: Stall;
}

/**
 * Each stored scene's trace, with the checks that need its history: its clip is its own task's (no forged or other
 * task's URL), and it was created, and uploaded, once.
 */
async function traceScenes(
  client: Client,
  sandbox: Sandbox,
  outcomes: SceneOutcome[],
  report: ScenarioReport,
): Promise<Trace[]> {
  const stored = outcomes.filter((o) => o.result?.stored);
  const histories = await fetchHistories(
    client,
    stored.map((o) => o.workflowId),
  );
  const failed = outcomes.filter((o) => o.status === 'failed');
  for (const [i, history] of (
    await fetchHistories(
      client,
      failed.map((o) => o.workflowId),
    )
  ).entries())
    report.problems.push(`${failed[i]!.workflowId} failed after: ${retriesOf(history).join('; ') || 'no retry'}`);
  return Promise.all(
    stored.map(async (o, i) => {
      const problem = (text: string) => report.problems.push(`${o.workflowId}: ${text}`);
      const taskId = o.attempts.at(-1)?.taskId;
      const runs = activityRuns(histories[i]!);
      const count = (type: string) => runs.filter((r) => r.type === type && r.outcome === 'completed').length;
      if (count('uploadToS3') !== 1) problem(`${count('uploadToS3')} completed uploads, expected 1`);
      if (count('createTask') !== o.attempts.length)
        problem(`${count('createTask')} completed creates for ${o.attempts.length} attempt(s)`);
      const events = signals(histories[i]!);
      const own = events.filter((e) => e.snapshot.taskId === taskId);
      const trace: Trace = {
        workflowId: o.workflowId,
        ownSignals: own.length,
        foreignSignals: events.length - own.length,
        heardEnd: own.some((e) => e.snapshot.state === 'succeeded'),
        stall: stallOf(histories[i]!),
      };
      // A webhook heard before the create's reply was processed ends the wait before its first check is scheduled.
      if (runs.some((r) => r.type === 'checkTask' && r.outcome === 'completed')) trace.by = 'backstop';
      else if (trace.heardEnd) trace.by = 'webhook';
      else problem('neither a completed checkTask nor a webhook of its task ended its wait');
      if (!taskId) return trace;
      const task = await providerTask(sandbox, taskId);
      if (o.result!.providerVideoUrl !== task.videoUrl)
        problem(
          `stored ${o.result!.providerVideoUrl === attackerUrl ? "the attacker's URL" : o.result!.providerVideoUrl}, its task's video is ${task.videoUrl}`,
        );
      const upload = runs.find((r) => r.type === 'uploadToS3');
      if (upload?.startedMs !== undefined) trace.completionToUploadMs = upload.startedMs - task.endedMs;
      return trace;
    }),
  );
}

/** Each activity attempt after the first, with what ended the one before: why a scene failed without a fault. */
function retriesOf(history: History): string[] {
  const types = new Map<string, string>();
  return (history.events ?? []).flatMap((e) => {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) types.set(String(e.eventId), scheduled.activityType?.name ?? '?');
    const started = e.activityTaskStartedEventAttributes;
    if (!started?.lastFailure) return [];
    const type = types.get(String(started.scheduledEventId)) ?? '?';
    return [`${type} attempt ${started.attempt} after "${started.lastFailure.message}"`];
  });
}

function signals(history: History): ProviderTaskEvent[] {
  return (history.events ?? []).flatMap((e) => {
    const signal = e.workflowExecutionSignaledEventAttributes;
    const payload = signal?.input?.payloads?.[0];
    if (signal?.signalName !== 'providerTaskEvent' || !payload) return [];
    return [defaultPayloadConverter.fromPayload<ProviderTaskEvent>(payload)];
  });
}

/** The task as PiAPI reports it now: its video URL, and when it ended (sub-millisecond `meta.ended_at`). */
async function providerTask(sandbox: Sandbox, taskId: string): Promise<{ videoUrl?: string; endedMs: number }> {
  const res = await fetch(`${sandbox.piapiBaseUrl}/api/v1/task/${taskId}`, {
    headers: { 'x-api-key': sandbox.apiKeys.piapi },
  });
  const body = (await res.json()) as { data: { meta: { ended_at: string } } };
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(body.data.meta.ended_at);
  if (!m) throw new Error(`task ${taskId} has not ended: ${body.data.meta.ended_at}`);
  const endedMs = Date.parse(`${m[1]}Z`) + Number(`0.${m[2] ?? '0'}`) * 1000;
  return { videoUrl: parsePiapiTask(body.data).videoUrl, endedMs };
}

function percentile(traces: Trace[], q: number): number {
  const ms = traces.flatMap((t) => (t.completionToUploadMs === undefined ? [] : [t.completionToUploadMs]));
  return ms.length === 0
    ? NaN
    : quantile(
        ms.sort((a, b) => a - b),
        q,
      );
}

function latencyFigure(name: string, traces: Trace[]): string {
  if (traces.length === 0) return `${name}: no scenes`;
  const s = (q: number) => `${(percentile(traces, q) / 1000).toFixed(2)} s`;
  const slowest = traces.reduce((a, b) => ((b.completionToUploadMs ?? 0) > (a.completionToUploadMs ?? 0) ? b : a));
  const { longestGapMs, gapAfter, gapBefore } = slowest.stall;
  return (
    `${name}: p50 ${s(0.5)}, p95 ${s(0.95)}, max ${s(1)} (n=${traces.length}; the slowest scene's longest quiet ` +
    `stretch ${(longestGapMs / 1000).toFixed(1)} s, ${gapAfter} → ${gapBefore})`
  );
}

/** The webhook secret (and the worker's usual secrets) must not reach histories, memos or the processes' logs. */
async function scanForSecrets(
  client: Client,
  ids: string[],
  logs: string[],
  webhookSecret: string,
  sandbox: Sandbox,
  stack: ChaosStack,
  report: ScenarioReport,
): Promise<void> {
  const markers: Secret[] = [
    { label: 'WEBHOOK_SECRET', value: webhookSecret },
    ...workerSecrets(sandbox.apiKeys, stack.s3),
  ];
  const findings = [
    ...(await scanWorkflows(client, ids, markers)),
    ...findSecrets('the worker and receiver logs', logs.join('\n'), markers),
  ];
  report.secrets += findings.length;
  report.problems.push(...findings);
}

async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
