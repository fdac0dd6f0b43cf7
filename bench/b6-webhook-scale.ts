import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { providerTaskEvent } from '../src/contract/provider-webhook';
import { sceneWorkflowType } from '../src/contract/scene-workflow';
import { mapLimit, sleep } from './lib/concurrency';
import { figure, medianFigure, type Figure } from './lib/figures';
import { activityRuns, eventMs, events } from './lib/histories';
import { ProcMonitor, type ProcUsage } from './lib/proc';
import { step } from './lib/progress';
import { withRig, type Rig } from './lib/rig';
import { benchScene, startScenes } from './lib/scenes';
import { countAt, countedText, rateWithin, summarize, tally } from './lib/stats';
import { spawnWorker } from './lib/worker-process';

export interface ScaleSize {
  scenes: number;
  renderMs: number;
  /** WEBHOOK_BACKSTOP_POLL_SEC; the worker's default (60 s) when absent. */
  backstopSec?: number;
  /** WORKER_MAX_CACHED_WORKFLOWS; the SDK's default (from the heap size) when absent. */
  maxCachedWorkflows?: number;
}

/** The worker's default backstop (WEBHOOK_BACKSTOP_POLL_SEC unset). */
const defaultBackstopSec = 60;
/** The bench's own starts in flight at once: enough to keep the dev server busy, few enough not to swamp it. */
const startConcurrency = 32;
const sampleEveryMs = 5_000;

interface GetSample {
  atMs: number;
  /** Cumulative `GET /api/v1/task/:id` answered by the sandbox. */
  gets: number;
  /** Cumulative `POST /api/v1/task`: tasks created. */
  creates: number;
  /** Scene workflows still running (visibility count). */
  running?: number;
}

export interface ScalePhase extends ScaleSize {
  backstopSec: number;
  /** Each scene's polling.providerDeadlineMs: the default 10 min, or longer for renders that need it. */
  providerDeadlineMs: number;
  startSeconds: number;
  startsPerSec: number;
  /** First start → the sandbox has every task (the worker's createTask activities done). */
  createSeconds: number;
  /** The most tasks the sandbox had unfinished at once: scenes truly in flight together. */
  peakSandboxInFlight: number;
  makespanSeconds: number | null;
  completed: number;
  failed: number;
  stillRunning: number;
  /** Status GETs per second from the last create over whole backstop intervals before the first task can end. */
  plateau: { fromS: number; toS: number; getsPerSec: number | null; wholeIntervals: number };
  /** Over every task: the shortest time between two status GETs of one task, and how many tasks had a shorter gap. */
  statusReads: {
    shortestGapMs: number | null;
    tasksUnderBackstop: number;
    /** `phase→phase` of each such task's two closest reads (sandbox phases) → tasks. */
    underBackstopPhases?: Record<string, number>;
    /** Status GETs answered after their task ended (a backstop look that crossed the webhook, a fresh-URL fetch). */
    readsAfterEnd?: number;
    mostPerTask: number;
  };
  /** The sandbox's webhook deliveries: POSTs, those answered 200, and notifications given up after the last retry. */
  webhookDeliveries?: { attempts: number; delivered: number; failed: number };
  historiesRead: number;
  historyReadSeconds: number;
  heartbeatTimeouts: number;
  otherTimeouts: number;
  /** Activities other than checkTask with more than one attempt (checkTask retries by design). */
  retriedActivities: number;
  /** Timed-out or retried activities by type and what happened, e.g. `uploadToS3 (heartbeat timeout)`: count. */
  troubled: Record<string, number>;
  completedByBackstop: number;
  /** Every status GET the sandbox answered, over the scenes. */
  getsPerScene: number;
  eventsPerScene: number[];
  webhookSignalsPerScene: number[];
  /** Per scene: its task's end signal (the webhook's) in history → the next workflow task started, in ms. */
  endSignalToWorkflowTaskMs?: number[];
  /**
   * Per scene the backstop completed: its completing check closed − the end signal's event, in ms. Above 0 the webhook
   * had been delivered and the workflow had not run since; below 0 the webhook came after the check.
   */
  backstopLeadOverSignalMs?: number[];
  usage: Record<string, ProcUsage>;
  gets: GetSample[];
  errors: string[];
}

function requests(rig: Rig, route: string): number {
  return Object.values(rig.sandbox.stats().requests[route] ?? {}).reduce((a, b) => a + b, 0);
}

const statusGets = (rig: Rig) => requests(rig, 'GET /api/v1/task/:id');

function sample(rig: Rig, running?: number): GetSample {
  return { atMs: Date.now(), gets: statusGets(rig), creates: requests(rig, 'POST /api/v1/task'), running };
}

async function countRunning(client: Client, taskQueue: string): Promise<number> {
  // Scenes only: a provider gate workflow on the same queue runs on after them.
  const query = `TaskQueue = '${taskQueue}' AND WorkflowType = '${sceneWorkflowType}' AND ExecutionStatus = 'Running'`;
  return (await client.workflow.count(query)).count;
}

/**
 * Every scene PiAPI-only on one worker process with webhooks on, the default 200 activity slots and the default 60 s
 * backstop: the scenes wait for their webhooks without a slot. Visibility counts follow the run (a result wait per
 * scene would be 10,000 long polls); every history is read once at the end.
 */
export async function runWebhookScalePhase(size: ScaleSize): Promise<ScalePhase> {
  const { scenes, renderMs, maxCachedWorkflows } = size;
  const backstopSec = size.backstopSec ?? defaultBackstopSec;
  // The default deadline (10 min) would give up longer renders; the scale run's renders may be longer.
  const providerDeadlineMs = Math.max(10 * 60_000, renderMs + 10 * 60_000);
  return withRig({ default: { queueMs: 0, renderMs, latencyMs: 0 } }, async (rig) => {
    const taskQueue = `b6-hook-${randomUUID().slice(0, 8)}`;
    step(
      `B6 webhooks: starting the worker process (PiAPI only, webhooks on, backstop ${backstopSec} s, 200 slots, ` +
        `${maxCachedWorkflows === undefined ? "the SDK's default workflow cache" : `${maxCachedWorkflows} cached workflows`})…`,
    );
    const worker = await spawnWorker({
      ...rig,
      sceneQueue: taskQueue,
      providers: ['piapi'],
      webhooks: { backstopSec: size.backstopSec },
      env: maxCachedWorkflows === undefined ? {} : { WORKER_MAX_CACHED_WORKFLOWS: String(maxCachedWorkflows) },
    });
    const gets: GetSample[] = [];
    const sampler = setInterval(() => gets.push(sample(rig)), sampleEveryMs);
    try {
      const monitor = new ProcMonitor({
        worker: worker.pid,
        temporal: rig.stack.temporal.process.pid,
        s3: rig.stack.s3.process.pid,
        'bench (client + sandbox)': process.pid,
      }).start();
      step(
        `B6 webhooks: starting ${scenes} scenes (${renderMs / 1000} s renders), ${startConcurrency} starts at once…`,
      );
      const startedMs = Date.now();
      let started = 0;
      const progress = setInterval(
        () =>
          step(`  B6 webhooks: ${started}/${scenes} started after ${Math.round((Date.now() - startedMs) / 1000)} s`),
        20_000,
      );
      let handles;
      try {
        handles = await startScenes(
          rig.client,
          taskQueue,
          Array.from({ length: scenes }, () => benchScene({ polling: { providerDeadlineMs } })),
          startConcurrency,
          () => started++,
        );
      } finally {
        clearInterval(progress);
      }
      const allStartedMs = Date.now();
      const startSeconds = (allStartedMs - startedMs) / 1000;
      step(
        `B6 webhooks: all ${scenes} started in ${startSeconds.toFixed(1)} s (${(scenes / startSeconds).toFixed(1)}/s); waiting…`,
      );
      // Renders start at the creates, which may trail the starts by minutes: the deadline follows the last create seen.
      const deadlineMs = () => (gets.find((g) => g.creates >= scenes)?.atMs ?? Date.now()) + renderMs + 15 * 60_000;
      let running = scenes;
      let lastReport = 0;
      while (running > 0 && Date.now() < deadlineMs()) {
        await sleep(sampleEveryMs);
        running = await countRunning(rig.client, taskQueue);
        gets.push(sample(rig, running));
        if (Date.now() - lastReport >= 30_000) {
          lastReport = Date.now();
          const rate = rateWithin(gets, (g) => g.gets, Date.now() - 30_000, Date.now());
          step(
            `  B6 webhooks: ${scenes - running}/${scenes} finished after ${Math.round((Date.now() - startedMs) / 1000)} s; ` +
              `status GETs ${rate === null ? '?' : rate.toFixed(0)}/s over the last 30 s`,
          );
        }
      }
      const usage = monitor.stop();
      clearInterval(sampler);
      const { statusReads, webhooks: hooks } = rig.sandbox.stats();
      const reads = Object.values(statusReads);
      const gaps = reads.flatMap((r) => (r.shortestGapMs === null ? [] : [r.shortestGapMs]));
      const underBackstop = reads.filter((r) => r.shortestGapMs !== null && r.shortestGapMs < backstopSec * 1000);
      // Every task exists from the first sample that counts them all: from then on each scene checks once a backstop
      // interval, so whole intervals of the plateau (before the first task can end) hold one check per scene at most.
      const allCreatedMs = gets.find((g) => g.creates >= scenes)?.atMs ?? Date.now();
      const firstEndMs = startedMs + renderMs;
      const cycles = Math.max(0, Math.floor((firstEndMs - allCreatedMs) / (backstopSec * 1000)));
      const plateauFromMs = allCreatedMs;
      const plateauToMs = cycles >= 1 ? allCreatedMs + cycles * backstopSec * 1000 : firstEndMs;

      step(`B6 webhooks: reading ${scenes} histories…`);
      const readFrom = Date.now();
      let lastCloseMs = 0;
      const errors = new Set<string>();
      const perScene = await mapLimit(handles, 16, async (h) => {
        const history = await h.fetchHistory();
        const list = events(history);
        const last = list[list.length - 1];
        const closed = last?.workflowExecutionCompletedEventAttributes
          ? 'completed'
          : last?.workflowExecutionFailedEventAttributes
            ? 'failed'
            : 'running';
        if (closed !== 'running' && last) lastCloseMs = Math.max(lastCloseMs, eventMs(last));
        if (closed === 'failed')
          errors.add(last?.workflowExecutionFailedEventAttributes?.failure?.message ?? 'failed without a message');
        const runs = activityRuns(history);
        const checks = runs.filter((r) => r.type === 'checkTask');
        const isWebhookSignal = (e: (typeof list)[number]) =>
          e.workflowExecutionSignaledEventAttributes?.signalName === providerTaskEvent.name;
        const endSignalAt = list.map(isWebhookSignal).lastIndexOf(true);
        const endSignalMs = endSignalAt < 0 ? undefined : eventMs(list[endSignalAt]!);
        const taskAfterSignal = list.slice(endSignalAt + 1).find((e) => e.workflowTaskStartedEventAttributes);
        const completingCheckMs = checks.find((r) => r.outcome === 'completed')?.closedMs;
        return {
          closed,
          events: list.length,
          signals: list.filter(isWebhookSignal).length,
          byBackstop: completingCheckMs !== undefined,
          endSignalToWorkflowTaskMs:
            endSignalMs === undefined || !taskAfterSignal ? undefined : eventMs(taskAfterSignal) - endSignalMs,
          backstopLeadOverSignalMs:
            completingCheckMs === undefined || endSignalMs === undefined ? undefined : completingCheckMs - endSignalMs,
          heartbeatTimeouts: runs.filter((r) => r.heartbeatTimeout).length,
          otherTimeouts: runs.filter((r) => r.anyTimeout && !r.heartbeatTimeout).length,
          retried: runs.filter((r) => r.type !== 'checkTask' && r.attempt > 1).length,
          troubled: runs
            .filter((r) => r.heartbeatTimeout || r.anyTimeout || (r.type !== 'checkTask' && r.attempt > 1))
            .map(
              (r) => `${r.type} (${r.heartbeatTimeout ? 'heartbeat timeout' : r.anyTimeout ? 'timeout' : 'retried'})`,
            ),
        };
      });
      const historyReadSeconds = (Date.now() - readFrom) / 1000;
      const sum = (f: (s: (typeof perScene)[number]) => number) => perScene.reduce((a, s) => a + f(s), 0);
      const completed = perScene.filter((s) => s.closed === 'completed').length;
      const failed = perScene.filter((s) => s.closed === 'failed').length;
      return {
        scenes,
        renderMs,
        backstopSec,
        maxCachedWorkflows,
        providerDeadlineMs,
        startSeconds,
        startsPerSec: scenes / startSeconds,
        createSeconds: (allCreatedMs - startedMs) / 1000,
        peakSandboxInFlight: Math.max(0, ...Object.values(rig.sandbox.stats().maxConcurrentProcessing)),
        makespanSeconds: completed + failed === scenes ? (lastCloseMs - startedMs) / 1000 : null,
        completed,
        failed,
        stillRunning: scenes - completed - failed,
        plateau: {
          fromS: (plateauFromMs - startedMs) / 1000,
          toS: (plateauToMs - startedMs) / 1000,
          // Interpolated at the window's ends: the samples' own span would be up to two sample periods short of it.
          getsPerSec:
            cycles >= 1
              ? (countAt(gets, (g) => g.gets, plateauToMs)! - countAt(gets, (g) => g.gets, plateauFromMs)!) /
                ((plateauToMs - plateauFromMs) / 1000)
              : rateWithin(gets, (g) => g.gets, plateauFromMs, plateauToMs),
          wholeIntervals: cycles,
        },
        statusReads: {
          shortestGapMs: gaps.length ? Math.min(...gaps) : null,
          tasksUnderBackstop: underBackstop.length,
          underBackstopPhases: tally(underBackstop.map((r) => r.shortestGapPhases!.join('→'))),
          readsAfterEnd: reads.reduce((n, r) => n + r.afterEnd, 0),
          mostPerTask: Math.max(0, ...reads.map((r) => r.count)),
        },
        webhookDeliveries: { attempts: hooks.attempts, delivered: hooks.delivered, failed: hooks.failed },
        historiesRead: perScene.length,
        historyReadSeconds,
        heartbeatTimeouts: sum((s) => s.heartbeatTimeouts),
        otherTimeouts: sum((s) => s.otherTimeouts),
        retriedActivities: sum((s) => s.retried),
        troubled: countEach(perScene.flatMap((s) => s.troubled)),
        completedByBackstop: perScene.filter((s) => s.byBackstop).length,
        getsPerScene: statusGets(rig) / scenes,
        eventsPerScene: perScene.map((s) => s.events),
        webhookSignalsPerScene: perScene.map((s) => s.signals),
        endSignalToWorkflowTaskMs: perScene.flatMap((s) => s.endSignalToWorkflowTaskMs ?? []),
        backstopLeadOverSignalMs: perScene.flatMap((s) => s.backstopLeadOverSignalMs ?? []),
        usage,
        gets: gets.map((g) => ({ ...g, atMs: g.atMs - startedMs })),
        errors: [...errors].slice(0, 5),
      };
    } finally {
      clearInterval(sampler);
      await worker.stop();
    }
  });
}

export function scalePhaseFigures(p: ScalePhase): Figure[] {
  const tag = `(webhooks, ${p.scenes} scenes)`;
  const u = (proc: string) => p.usage[proc];
  const backstopRate = p.scenes / p.backstopSec;
  return [
    figure(`scenes succeeded ${tag}`, p.completed, `of ${p.scenes}`, {
      digits: 0,
      target: { op: '>=', value: p.scenes },
      note: p.stillRunning ? `${p.stillRunning} still running at the deadline` : undefined,
    }),
    figure(`scenes in flight at once at the sandbox, peak ${tag}`, p.peakSandboxInFlight, 'tasks', { digits: 0 }),
    figure(`scene starts from the bench process ${tag}`, p.startsPerSec, 'starts/s', { digits: 1 }),
    figure(`time to start every scene ${tag}`, p.startSeconds, 's', { digits: 1 }),
    figure(
      `time to create every provider task (first start → last create at the sandbox) ${tag}`,
      p.createSeconds,
      's',
      {
        digits: 0,
      },
    ),
    figure(`provider tasks created per second by the worker ${tag}`, p.scenes / p.createSeconds, 'tasks/s', {
      digits: 1,
    }),
    figure(`makespan, first start → last scene closed ${tag}`, p.makespanSeconds, 's', { digits: 1 }),
    figure(
      `shortest time between two status GETs of one task ${tag}`,
      p.statusReads.shortestGapMs === null ? null : p.statusReads.shortestGapMs / 1000,
      's',
      {
        digits: 1,
        target: { op: '>=', value: p.backstopSec, source: `WEBHOOK_BACKSTOP_POLL_SEC` },
        note: p.statusReads.tasksUnderBackstop
          ? `${p.statusReads.tasksUnderBackstop} tasks were asked sooner than the backstop interval` +
            (p.statusReads.underBackstopPhases
              ? ` (task phase at the two reads: ${countedText(p.statusReads.underBackstopPhases).join(', ')})`
              : '')
          : undefined,
      },
    ),
    figure(`provider status GETs during the render plateau ${tag}`, p.plateau.getsPerSec, 'requests/s', {
      digits: 2,
      note: `backstop rate ${p.scenes} / ${p.backstopSec} s = ${backstopRate.toFixed(2)}/s`,
    }),
    figure(`provider status GETs per scene ${tag}`, p.getsPerScene, 'requests', { digits: 2 }),
    figure(`scenes completed by the backstop, not a webhook ${tag}`, p.completedByBackstop, `of ${p.scenes}`, {
      digits: 0,
      note: backstopLeadNote(p.backstopLeadOverSignalMs),
    }),
    ...(p.endSignalToWorkflowTaskMs?.length
      ? [
          medianFigure(
            `webhook's end signal → next workflow task started ${tag}`,
            p.endSignalToWorkflowTaskMs.map((ms) => ms / 1000),
            's',
            { digits: 2 },
          ),
        ]
      : []),
    medianFigure(`history events per scene ${tag}`, p.eventsPerScene, 'events', { digits: 0 }),
    figure(`worker CPU, average ${tag}`, u('worker')?.cpuPercentAvg ?? null, '% of a core', { digits: 0 }),
    figure(`worker CPU, peak 1 s ${tag}`, u('worker')?.cpuPercentPeak ?? null, '% of a core', { digits: 0 }),
    figure(`worker RSS, peak ${tag}`, u('worker')?.rssPeakMiB ?? null, 'MiB', {
      digits: 0,
      target: { op: '<=', value: 1024 },
    }),
    figure(`dev server CPU, average ${tag}`, u('temporal')?.cpuPercentAvg ?? null, '% of a core', { digits: 0 }),
    figure(`dev server CPU, peak 1 s ${tag}`, u('temporal')?.cpuPercentPeak ?? null, '% of a core', { digits: 0 }),
    figure(`dev server RSS, peak ${tag}`, u('temporal')?.rssPeakMiB ?? null, 'MiB', { digits: 0 }),
    figure(
      `bench process (client + sandbox) CPU, average ${tag}`,
      u('bench (client + sandbox)')?.cpuPercentAvg ?? null,
      '% of a core',
      { digits: 0 },
    ),
    figure(`heartbeat timeouts ${tag}`, p.heartbeatTimeouts, 'activities', {
      digits: 0,
      target: { op: '<=', value: 0 },
    }),
  ];
}

export function scalePhaseNotes(p: ScalePhase): string[] {
  const signals = p.webhookSignalsPerScene.length ? summarize(p.webhookSignalsPerScene) : undefined;
  return [
    `Webhook phase: its own fresh stack (dev server with its in-memory SQLite database, as every phase) and sandbox; ` +
      `one worker process configured for PiAPI only, so every scene (default ranking: hailuo first) registers a ` +
      `webhook; WEBHOOK_PUBLIC_URL, WEBHOOK_SECRET and WEBHOOK_PORT set (the worker serves the receiver), ` +
      `WEBHOOK_BACKSTOP_POLL_SEC ${p.backstopSec === defaultBackstopSec ? `unset (${p.backstopSec} s)` : `${p.backstopSec} s`}, ` +
      `WORKER_MAX_CACHED_WORKFLOWS ${p.maxCachedWorkflows ?? "unset (the SDK's default from the heap size)"}, ` +
      `activity slots unset (200). ${p.scenes} scenes, every task rendering ${p.renderMs / 1000} s (queueMs 0, ` +
      `polling.providerDeadlineMs ${p.providerDeadlineMs / 1000} s), started by the bench process ${startConcurrency} at a time ` +
      `in ${p.startSeconds.toFixed(1)} s. The bench waits on visibility counts (ExecutionStatus = 'Running' every ` +
      `${sampleEveryMs / 1000} s), not on ${p.scenes} result long polls.`,
    `Status GETs: the sandbox's GET /api/v1/task/:id and POST /api/v1/task counters sampled every ` +
      `${sampleEveryMs / 1000} s. The plateau runs from the first sample after the sandbox created the last task ` +
      `(${p.plateau.fromS.toFixed(0)} s after the first start: the worker creates tasks slower than the bench starts ` +
      `scenes, and each scene's first check follows its create) over ${p.plateau.wholeIntervals} whole backstop ` +
      `interval(s) to ${p.plateau.toS.toFixed(0)} s, before the first task can end (first start + render = ` +
      `${p.renderMs / 1000} s): every scene is in flight and checks once per interval; the backstop rate is ` +
      `${p.scenes} scenes / ${p.backstopSec} s = ${(p.scenes / p.backstopSec).toFixed(1)}/s. Shorter windows are ` +
      `burstier: checks keep the phase of the creates. The counter is interpolated linearly at the window's ends ` +
      `between the samples around them. The target is on the shortest time between two GETs of one task, from the ` +
      `sandbox's own record of every GET: a gap never shorter than the backstop interval keeps each task, and so the ` +
      `sum over tasks, at or below the backstop rate, whatever the sampling.` +
      (p.plateau.fromS >= p.plateau.toS
        ? ` Here there was no plateau: the last task was created ${p.plateau.fromS.toFixed(0)} s after the first ` +
          `start, after the first task could end, so no figure is given.`
        : p.plateau.wholeIntervals < 1
          ? ` Here the plateau is shorter than one backstop interval, so its rate depends on where the checks fall in it.`
          : ''),
    `Every one of the ${p.historiesRead} histories was read after the run (${p.historyReadSeconds.toFixed(0)} s, 16 at ` +
      `a time): heartbeat timeouts ${p.heartbeatTimeouts}, other timeouts ${p.otherTimeouts}, activities other than ` +
      `checkTask retried ${p.retriedActivities}, failed scenes ${p.failed}${p.errors.length ? ` (${p.errors.join('; ')})` : ''}, ` +
      `still running at the deadline ${p.stillRunning}` +
      (Object.keys(p.troubled ?? {}).length ? ` (${countedText(p.troubled).join(', ')})` : '') +
      `. Status GETs per scene: every GET /api/v1/task/:id the ` +
      `sandbox answered in the phase, over the scenes.` +
      (signals ? ` providerTaskEvent signals per scene: median ${signals.median}, max ${signals.max}.` : '') +
      (p.webhookDeliveries
        ? ` The sandbox POSTed ${p.webhookDeliveries.attempts} webhooks, ${p.webhookDeliveries.delivered} answered 200 ` +
          `(a POST unanswered within 10 s or answered otherwise is sent again), ${p.webhookDeliveries.failed} given up.`
        : ''),
  ];
}

function countEach(items: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}

/** Whether the backstop's wins came before the webhook (late webhooks) or after it (a workflow that had not run yet). */
export function backstopLeadNote(leadsMs: number[] | undefined): string | undefined {
  if (!leadsMs?.length) return undefined;
  const after = leadsMs.filter((ms) => ms > 0);
  const before = leadsMs.filter((ms) => ms <= 0);
  const median = (ms: number[]) => `${(summarize(ms).median / 1000).toFixed(1)} s`;
  return [
    after.length && `${after.length} after the webhook's signal was in history (median ${median(after)} later)`,
    before.length && `${before.length} before the webhook's signal (median ${median(before.map((ms) => -ms))} earlier)`,
  ]
    .filter(Boolean)
    .join('; ');
}
