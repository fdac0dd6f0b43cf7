import { randomUUID } from 'node:crypto';
import type { Rig } from './lib/rig';
import type { Benchmark } from './lib/benchmark';
import { awaitResults } from './lib/await-results';
import { medianFigure, figure, p95Figure } from './lib/figures';
import { activityRuns, eventMs, events, fetchHistories, type History } from './lib/histories';
import { summarize } from './lib/stats';
import { providerTaskEvent } from '../src/contract/provider-webhook';
import { step } from './lib/progress';
import { withRig } from './lib/rig';
import { benchScene, sandboxKey, startScenes } from './lib/scenes';
import { spawnWorker } from './lib/worker-process';

/** The sandbox's PiAPI tasks report `meta.ended_at` with sub-millisecond precision; Runway's report no end time. */
const providers = ['kling', 'luma', 'hailuo', 'hunyuan', 'veo'];
const defaultIntervalMs = 5_000;
const sampleEveryMs = 10;

type Mode = 'polling' | 'webhooks';
const modes: Mode[] = ['polling', 'webhooks'];

interface Sample {
  mode: Mode;
  renderMs: number;
  /** Sandbox marks the task completed → its output file's first GET begins. */
  toFirstGetMs: number;
  /** Sandbox completion → what told the workflow (history): pollStatus completed, or the webhook's signal. */
  toToldMs: number;
  /** pollStatus completed, or the signal, → uploadToS3 started (history): the workflow's reaction. */
  toldToUploadStartMs: number;
  /** Sandbox completion → uploadToS3 started (history). */
  toUploadStartMs: number;
  /** Webhooks: whether the completion came by webhook (else the backstop's check found it first). */
  byWebhook?: boolean;
}

interface Batch {
  mode: Mode;
  scenes: number;
  /** The sandbox's `GET /api/v1/task/:id` requests while the batch ran. */
  statusGets: number;
}

/** RFC 3339 with up to nanoseconds, to fractional epoch milliseconds (Date.parse keeps only milliseconds). */
function parseNanoTime(text: string): number {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(text);
  if (!m) throw new Error(`not an RFC 3339 UTC time: ${text}`);
  return Date.parse(`${m[1]}Z`) + Number(`0.${m[2] ?? '0'}`) * 1000;
}

const pollTypes = new Set(['checkTask', 'pollStatus']);

async function endedAt(rig: Rig, taskId: string): Promise<number> {
  const res = await fetch(`${rig.sandbox.piapiBaseUrl}/api/v1/task/${taskId}`, {
    headers: { 'x-api-key': rig.sandbox.apiKeys.piapi },
  });
  const body = (await res.json()) as { data: { status: string; meta: { ended_at: string } } };
  if (body.data.status !== 'completed') throw new Error(`task ${taskId} is ${body.data.status}`);
  return parseNanoTime(body.data.meta.ended_at);
}

function statusGets(rig: Rig): number {
  return Object.values(rig.sandbox.stats().requests['GET /api/v1/task/:id'] ?? {}).reduce((a, b) => a + b, 0);
}

/** When the workflow learnt of the end: the completed pollStatus, else the last webhook signal before the upload. */
function toldAt(history: History, mode: Mode, uploadScheduledMs: number): { ms?: number; byWebhook?: boolean } {
  const runs = activityRuns(history);
  // checkTask for runs since `poll-through-retries`; pollStatus before.
  if (mode === 'polling') return { ms: runs.find((x) => pollTypes.has(x.type))?.closedMs };
  const check = runs.find((x) => x.type === 'checkTask');
  if (check?.outcome === 'completed') return { ms: check.closedMs, byWebhook: false };
  const signals = events(history)
    .filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === providerTaskEvent.name)
    .map(eventMs)
    .filter((ms) => ms <= uploadScheduledMs);
  return { ms: signals.at(-1), byWebhook: true };
}

/** Notes when each task's output file is first requested, from the in-process sandbox's download counters. */
function watchFirstGets(rig: Rig): { seen: Map<string, number>; stop(): void } {
  const seen = new Map<string, number>();
  const timer = setInterval(() => {
    const now = Date.now();
    for (const taskId of Object.keys(rig.sandbox.stats().downloads)) if (!seen.has(taskId)) seen.set(taskId, now);
  }, sampleEveryMs);
  return { seen, stop: () => clearInterval(timer) };
}

export const b5: Benchmark = {
  id: 'B5',
  title: 'Detection latency: the default 5 s polling against webhooks',
  async run({ quick }) {
    // Render times a fraction of the interval apart, so completions fall at every phase of the 5 s poll cycle.
    const rounds = quick
      ? [[3000, 4000, 5000, 6000, 7000]]
      : [
          [3000, 4000, 5000, 6000, 7000],
          [3500, 4500, 5500, 6500, 7500],
        ];
    const perProvider = 2;
    return withRig({ default: { queueMs: 0, latencyMs: 0 } }, async (rig) => {
      const queues: Record<Mode, string> = {
        polling: `b5-poll-${randomUUID().slice(0, 8)}`,
        webhooks: `b5-hook-${randomUUID().slice(0, 8)}`,
      };
      step('B5: starting two worker processes, one polling and one with webhooks (backstop 60 s)…');
      const workers = await Promise.all([
        spawnWorker({ ...rig, sceneQueue: queues.polling }),
        spawnWorker({ ...rig, sceneQueue: queues.webhooks, webhooks: {} }),
      ]);
      const samples: Sample[] = [];
      const batches: Batch[] = [];
      try {
        for (const [r, renders] of rounds.entries()) {
          rig.sandbox.patchScenario({
            models: Object.fromEntries(providers.map((p, i) => [sandboxKey(p), { renderMs: renders[i]! }])),
          });
          // One mode at a time, so the sandbox's status GETs of a batch are that mode's; each goes first in turn.
          for (const mode of r % 2 === 0 ? modes : [...modes].reverse()) {
            step(
              `B5: round ${r + 1}/${rounds.length}, ${mode}: renders ${renders.join(', ')} ms, ${perProvider} scenes each…`,
            );
            const watch = watchFirstGets(rig);
            const getsBefore = statusGets(rig);
            const inputs = providers.flatMap((p) =>
              Array.from({ length: perProvider }, () => benchScene({ allowedProviders: [p] })),
            );
            const handles = await startScenes(rig.client, queues[mode], inputs);
            const outcomes = await awaitResults(rig.client, handles, { label: `B5 ${mode}` });
            watch.stop();
            batches.push({ mode, scenes: inputs.length, statusGets: statusGets(rig) - getsBefore });
            const histories = await fetchHistories(
              rig.client,
              handles.map((h) => h.workflowId),
            );
            for (const [i, outcome] of outcomes.entries()) {
              const taskId = outcome.value?.attempts[0]?.taskId;
              const firstGet = taskId ? watch.seen.get(taskId) : undefined;
              const upload = activityRuns(histories[i]!).find((x) => x.type === 'uploadToS3');
              const told = upload ? toldAt(histories[i]!, mode, upload.scheduledMs) : {};
              if (!outcome.ok || !taskId || !firstGet || !told.ms || !upload?.startedMs) {
                throw new Error(`B5: incomplete scene ${outcome.workflowId}: ${outcome.error ?? 'missing events'}`);
              }
              const completed = await endedAt(rig, taskId);
              samples.push({
                mode,
                renderMs: renders[Math.floor(i / perProvider)]!,
                toFirstGetMs: firstGet - completed,
                toToldMs: told.ms - completed,
                toldToUploadStartMs: upload.startedMs - told.ms,
                toUploadStartMs: upload.startedMs - completed,
                byWebhook: told.byWebhook,
              });
            }
          }
        }
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
      const pick = (mode: Mode, f: keyof Omit<Sample, 'mode' | 'byWebhook'>) =>
        samples.filter((s) => s.mode === mode).map((s) => s[f]);
      const getsPerScene = (mode: Mode) => {
        const of = batches.filter((b) => b.mode === mode);
        return of.reduce((a, b) => a + b.statusGets, 0) / of.reduce((a, b) => a + b.scenes, 0);
      };
      const toUpload = (mode: Mode) => summarize(pick(mode, 'toUploadStartMs'));
      const webhookSamples = samples.filter((s) => s.mode === 'webhooks');
      const byBackstop = webhookSamples.filter((s) => !s.byWebhook).length;
      return {
        figures: [
          medianFigure('task completed → first GET of the output file', pick('polling', 'toFirstGetMs'), 'ms', {
            digits: 0,
          }),
          figure('worst case, task completed → first GET', Math.max(...pick('polling', 'toFirstGetMs')), 'ms', {
            digits: 0,
            target: { op: '<=', value: defaultIntervalMs + 1000, source: "bench's own: one interval + 1 s" },
          }),
          medianFigure(
            'task completed → pollStatus completed (waiting for the next poll)',
            pick('polling', 'toToldMs'),
            'ms',
            { digits: 0 },
          ),
          medianFigure(
            'pollStatus completed → uploadToS3 started (workflow reaction)',
            pick('polling', 'toldToUploadStartMs'),
            'ms',
            { digits: 0 },
          ),
          medianFigure('task completed → uploadToS3 started', pick('polling', 'toUploadStartMs'), 'ms', { digits: 0 }),
          p95Figure('task completed → uploadToS3 started, p95', pick('polling', 'toUploadStartMs'), 'ms', {
            digits: 0,
          }),
          figure('provider status GETs per scene', getsPerScene('polling'), 'requests', { digits: 1 }),
          medianFigure('webhooks: task completed → uploadToS3 started', pick('webhooks', 'toUploadStartMs'), 'ms', {
            digits: 0,
          }),
          p95Figure('webhooks: task completed → uploadToS3 started, p95', pick('webhooks', 'toUploadStartMs'), 'ms', {
            digits: 0,
            target: { op: '<=', value: 1000 },
          }),
          medianFigure(
            'webhooks: task completed → first GET of the output file',
            pick('webhooks', 'toFirstGetMs'),
            'ms',
            { digits: 0 },
          ),
          p95Figure(
            'webhooks: task completed → first GET of the output file, p95',
            pick('webhooks', 'toFirstGetMs'),
            'ms',
            { digits: 0 },
          ),
          medianFigure(
            'webhooks: task completed → webhook signal in the history (sandbox send + receiver + signal)',
            webhookSamples.filter((s) => s.byWebhook).map((s) => s.toToldMs),
            'ms',
            { digits: 0 },
          ),
          medianFigure(
            'webhooks: signal → uploadToS3 started (workflow reaction)',
            webhookSamples.filter((s) => s.byWebhook).map((s) => s.toldToUploadStartMs),
            'ms',
            { digits: 0 },
          ),
          figure(
            'webhooks: scenes completed by the backstop check instead',
            byBackstop,
            `of ${webhookSamples.length}`,
            {
              digits: 0,
            },
          ),
          figure('webhooks: provider status GETs per scene', getsPerScene('webhooks'), 'requests', { digits: 1 }),
          figure(
            'webhooks / polling, task completed → uploadToS3 started, p50',
            toUpload('webhooks').median / toUpload('polling').median,
            'ratio',
            { digits: 3 },
          ),
          figure(
            'webhooks / polling, task completed → uploadToS3 started, p95',
            toUpload('webhooks').p95 / toUpload('polling').p95,
            'ratio',
            { digits: 3 },
          ),
          figure(
            'webhooks / polling, provider status GETs per scene',
            getsPerScene('webhooks') / getsPerScene('polling'),
            'ratio',
            { digits: 2 },
          ),
        ],
        details: { intervalMs: defaultIntervalMs, samples, batches },
        notes: [
          `Two worker processes on one stack and sandbox: one polls (default ${defaultIntervalMs / 1000} s interval), ` +
            `the other has webhooks on (WEBHOOK_PUBLIC_URL, WEBHOOK_SECRET and WEBHOOK_PORT: it serves the receiver ` +
            `itself; backstop check every 60 s, the default). Each round runs the same renders on one, then on the ` +
            `other (the order alternates), so the sandbox's status GETs of a batch belong to one mode. Completion time ` +
            `is the sandbox's own meta.ended_at of the PiAPI task (RFC 3339 with nanoseconds, read back after the run), ` +
            `so only PiAPI models (${providers.join(', ')}) are used: the Runway emulator reports no end time, and ` +
            `has no webhooks.`,
          `The sandbox records downloads as counters without timestamps, so the first GET time is when a ${sampleEveryMs} ` +
            `ms sampler of the in-process sandbox's stats().downloads first sees the task (resolution ${sampleEveryMs} ms; ` +
            `the entry appears when the response headers are written). History times (dev server clock) split the ` +
            `latency into learning of the end (pollStatus completed, or the last providerTaskEvent signal before the ` +
            `upload) and the workflow's reaction (→ uploadToS3 started, as recorded by the server: the started event ` +
            `carries the time the worker picked the activity up).`,
          `Render times ${rounds.flat().join(', ')} ms spread completions over the poll cycle; an even spread gives ` +
            `a polling median near half an interval plus the reaction time. Status GETs per scene: every ` +
            `GET /api/v1/task/:id the sandbox answered during a mode's batches, over its scenes; with webhooks that is ` +
            `the backstop's first check right after the create (its next is 60 s later, after these renders end).`,
        ],
      };
    });
  },
};
