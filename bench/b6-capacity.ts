import { randomUUID } from 'node:crypto';
import { awaitResults } from './lib/await-results';
import type { Benchmark } from './lib/benchmark';
import { figure, type Figure } from './lib/figures';
import { activityRuns, fetchHistories, peakOverlap } from './lib/histories';
import { ProcMonitor, type ProcUsage } from './lib/proc';
import { step } from './lib/progress';
import { withRig } from './lib/rig';
import { countedText, summarize, tally } from './lib/stats';
import { benchScene, startScenes } from './lib/scenes';
import { spawnWorker } from './lib/worker-process';
import type { ProviderRoute } from '../src/contract/provider-task';
import { runWebhookScalePhase, scalePhaseFigures, scalePhaseNotes } from './b6-webhook-scale';

interface Phase {
  label: string;
  maxConcurrentActivityTaskExecutions?: number;
  scenes: number;
  startSeconds: number;
  /** First start → last result, or the deadline. */
  makespanSeconds: number;
  succeeded: number;
  unfinished: number;
  failed: number;
  peakConcurrentPolls: number;
  peakSandboxInFlight: number;
  heartbeatTimeouts: number;
  otherTimeouts: number;
  /** Activities other than checkTask with more than one attempt. */
  retriedActivities: number;
  /** Activities that timed out or were retried (checkTask only when it timed out): which, on which attempt, how they ended. */
  troubled: string[];
  /** Scenes that needed more than one provider attempt. */
  fellBack: number;
  usage: Record<string, ProcUsage>;
  errors: string[];
}

async function runPhase(
  label: string,
  scenes: number,
  renderMs: number,
  deadlineMs: number,
  maxConcurrentActivityTaskExecutions?: number,
  providers?: ProviderRoute[],
): Promise<Phase> {
  return withRig({ default: { queueMs: 0, renderMs, latencyMs: 0 } }, async (rig) => {
    const taskQueue = `b6-${randomUUID().slice(0, 8)}`;
    step(
      `B6 ${label}: starting the worker process (maxConcurrentActivityTaskExecutions ${maxConcurrentActivityTaskExecutions ?? 'default'})…`,
    );
    const worker = await spawnWorker({ ...rig, sceneQueue: taskQueue, maxConcurrentActivityTaskExecutions, providers });
    try {
      const monitor = new ProcMonitor({
        worker: worker.pid,
        temporal: rig.stack.temporal.process.pid,
        s3: rig.stack.s3.process.pid,
        'bench (client + sandbox)': process.pid,
      }).start();
      step(`B6 ${label}: starting ${scenes} scenes (${renderMs / 1000} s renders, default 5 s polling)…`);
      const startedMs = Date.now();
      const handles = await startScenes(
        rig.client,
        taskQueue,
        Array.from({ length: scenes }, () => benchScene()),
      );
      const startSeconds = (Date.now() - startedMs) / 1000;
      step(`B6 ${label}: all started in ${startSeconds.toFixed(1)} s; waiting…`);
      const outcomes = await awaitResults(rig.client, handles, {
        label: `B6 ${label}`,
        deadlineMs,
        progressEveryMs: 20_000,
      });
      const usage = monitor.stop();
      const makespanSeconds = (Math.max(...outcomes.map((o) => o.doneMs)) - startedMs) / 1000;
      step(`B6 ${label}: reading ${scenes} histories…`);
      const runs = (
        await fetchHistories(
          rig.client,
          handles.map((h) => h.workflowId),
        )
      ).flatMap(activityRuns);
      // A poll's run: pollStatus holds its slot from start to close; checkTask (since `poll-through-retries`) only for
      // its last look, which the history records as its start.
      const polls = runs.filter(
        (r) => (r.type === 'pollStatus' || r.type === 'checkTask') && r.startedMs && r.closedMs,
      );
      const failedOutcomes = outcomes.filter((o) => !o.ok && o.error !== 'still running');
      return {
        label,
        maxConcurrentActivityTaskExecutions,
        scenes,
        startSeconds,
        makespanSeconds,
        succeeded: outcomes.filter((o) => o.ok).length,
        unfinished: outcomes.filter((o) => o.error === 'still running').length,
        failed: failedOutcomes.length,
        peakConcurrentPolls: peakOverlap(polls.map((r) => ({ from: r.startedMs!, to: r.closedMs! }))),
        peakSandboxInFlight: Math.max(0, ...Object.values(rig.sandbox.stats().maxConcurrentProcessing)),
        heartbeatTimeouts: runs.filter((r) => r.heartbeatTimeout).length,
        otherTimeouts: runs.filter((r) => r.anyTimeout && !r.heartbeatTimeout).length,
        // checkTask's attempts are its looks (polling through activity retries): a retry there is the design.
        retriedActivities: runs.filter((r) => r.type !== 'checkTask' && r.attempt > 1).length,
        troubled: runs
          .filter((r) => r.anyTimeout || (r.type !== 'checkTask' && r.attempt > 1))
          .map(
            (r) =>
              `${r.type} attempt ${r.attempt}, ${r.heartbeatTimeout ? 'heartbeat timeout' : r.anyTimeout ? 'other timeout' : 'retried'}, ${r.outcome}`,
          ),
        fellBack: outcomes.filter((o) => (o.value?.attempts.length ?? 0) > 1).length,
        usage,
        errors: [...new Set(failedOutcomes.map((o) => o.error ?? '?'))].slice(0, 5),
      };
    } finally {
      await worker.stop();
    }
  });
}

function phaseFigures(p: Phase, heartbeatTarget: boolean): Figure[] {
  const tag = `(${p.label})`;
  const u = (proc: string) => p.usage[proc];
  return [
    figure(`scenes succeeded ${tag}`, p.succeeded, `of ${p.scenes}`, {
      digits: 0,
      note: p.unfinished ? `${p.unfinished} still running at the deadline` : undefined,
    }),
    figure(`makespan, first start → last result ${tag}`, p.makespanSeconds, 's', { digits: 1 }),
    figure(
      `peak polls holding a slot at once (pollStatus whole, or checkTask's last look) ${tag}`,
      p.peakConcurrentPolls,
      'activities',
      { digits: 0 },
    ),
    figure(`tasks in flight at once at the sandbox, peak ${tag}`, p.peakSandboxInFlight, 'tasks', { digits: 0 }),
    figure(`worker CPU, average ${tag}`, u('worker')?.cpuPercentAvg ?? null, '% of a core', { digits: 0 }),
    figure(`worker CPU, peak 1 s ${tag}`, u('worker')?.cpuPercentPeak ?? null, '% of a core', { digits: 0 }),
    figure(`worker RSS, peak ${tag}`, u('worker')?.rssPeakMiB ?? null, 'MiB', { digits: 0 }),
    figure(`dev server CPU, average ${tag}`, u('temporal')?.cpuPercentAvg ?? null, '% of a core', { digits: 0 }),
    figure(`dev server CPU, peak 1 s ${tag}`, u('temporal')?.cpuPercentPeak ?? null, '% of a core', { digits: 0 }),
    figure(`dev server RSS, peak ${tag}`, u('temporal')?.rssPeakMiB ?? null, 'MiB', { digits: 0 }),
    figure(`heartbeat timeouts ${tag}`, p.heartbeatTimeouts, 'activities', {
      digits: 0,
      target: heartbeatTarget ? { op: '<=', value: 0 } : undefined,
    }),
  ];
}

export const b6: Benchmark = {
  id: 'B6',
  title: 'Capacity: in-flight scenes on one worker process, polled (1,000) and with webhooks (1,000, or 10,000)',
  async run({ quick, webhooksScale, b6WebhooksOnly }) {
    const scenes = quick ? 200 : 1000;
    const renderMs = quick ? 30_000 : 60_000;
    const tunedSlots = scenes + 100;
    const polled = b6WebhooksOnly
      ? []
      : [
          await runPhase('activity slots ' + tunedSlots, scenes, renderMs, 10 * 60_000, tunedSlots),
          // What one worker holds without webhooks: Runway has none, so its scenes poll Runway. The shipped default
          // holds at most 200 activities: a bounded look is enough to show what one worker follows at once.
          await runPhase('Runway only, default 200 slots', scenes, renderMs, (quick ? 3 : 5) * 60_000, undefined, [
            'runway',
          ]),
        ];
    // Renders outlast the creates, so every scene is in flight at once for at least one backstop interval. At 10,000
    // scenes the worker is configured as the README advises for a fleet that size: a backstop of 300 s (10,000 / 300 s
    // = 33 checks/s; at 60 s, 167 checks/s saturated 2 cores and slowed the creates to 9.3/s) and 250 cached
    // workflows (a scene waiting for its webhook runs no workflow task, so an evicted one costs one replay at its end;
    // 500 peaked at 1,118 MiB RSS).
    // Renders are no whole number of backstop intervals: otherwise each scene's last check lands as its render ends and
    // races the webhook (1,000 scenes of 120 s at a 60 s backstop: 753 completed by the check; of 150 s: none). At
    // 10,000 scenes of 1,170 s checks still completed 1,751 and 3,937 scenes; in the second run every one after its
    // webhook's signal was in history, waiting for a workflow task (bench/README.md).
    const scale = await runWebhookScalePhase(
      quick
        ? { scenes: 500, renderMs: 90_000 }
        : webhooksScale
          ? { scenes: 10_000, renderMs: 1_170_000, backstopSec: 300, maxCachedWorkflows: 250 }
          : { scenes: 1_000, renderMs: 270_000 },
    );
    const outcome = (phases: Phase[], from?: string) => ({
      figures: [...phases.flatMap((p, i) => phaseFigures(p, i === 0)), ...scalePhaseFigures(scale)],
      details: {
        renderMs,
        phases,
        ...(from && { phasesFrom: from }),
        // Summaries, not one number per scene: 10,000 of them would make the results file half a megabyte.
        webhooks: {
          ...scale,
          eventsPerScene: summarize(scale.eventsPerScene),
          webhookSignalsPerScene: summarize(scale.webhookSignalsPerScene),
          endSignalToWorkflowTaskMs: summaryOf(scale.endSignalToWorkflowTaskMs),
          backstopLeadOverSignalMs: summaryOf(scale.backstopLeadOverSignalMs),
        },
      },
      notes: [
        ...(phases.length ? polledNotes(phases, scenes, renderMs) : []),
        ...(from ? [`The polling phases are those of the day's earlier run started at ${from}.`] : []),
        ...scalePhaseNotes(scale),
      ],
    });
    return {
      ...outcome(polled),
      // Webhook phase alone: the polling phases of the day's earlier full run stay in its results.
      ...(b6WebhooksOnly && {
        completeWith: (earlier) => {
          const phases = (earlier.details.phases ?? []) as Phase[];
          const from = (earlier.details.phasesFrom as string | undefined) ?? earlier.startedAt;
          return phases.length === 2 ? outcome(phases, from) : outcome([]);
        },
      }),
    };
  },
};

function polledNotes([tuned, runway]: Phase[], scenes: number, renderMs: number): string[] {
  if (!tuned || !runway) throw new Error('B6: the polling phases are the tuned one and the Runway one');
  return [
    `Polling phases: each has its own fresh stack and sandbox; one worker process (bench/lib/worker-main.ts, i.e. ` +
      `createSceneWorker from the worker's environment) runs ${scenes} scenes started at once, every task ` +
      `rendering ${renderMs / 1000} s (queueMs 0), default polling (5 s interval), no webhooks. The first phase's ` +
      `worker has both provider APIs (default ranking: hailuo first, polled); the Runway phase's worker has only ` +
      `Runway, so every scene polls Runway through activity retries (checkTask), holding a slot only while it looks. CPU and ` +
      `RSS come from /proc/<pid>/stat and status sampled every second; the dev server's pid is ` +
      `stack.temporal.process.pid.`,
    `Heartbeat timeouts are read from every history: an activity whose ActivityTaskTimedOut failure, or whose ` +
      `last attempt's lastFailure, is a HEARTBEAT TimeoutFailure. Other timeouts: ${tuned.otherTimeouts} and ` +
      `${runway.otherTimeouts}; activities retried: ${tuned.retriedActivities} and ${runway.retriedActivities}; ` +
      `failed scenes: ${tuned.failed} and ${runway.failed}; unfinished at the deadline: ${tuned.unfinished} and ` +
      `${runway.unfinished}; scenes that fell back to another provider: ${tuned.fellBack} and ` +
      `${runway.fellBack}.${troubledNote(tuned, runway)}`,
    `Peak polls holding a slot = the largest number of polling activities running at once (history start and ` +
      `close times): a pollStatus holds its slot for the whole render; a checkTask (polling through activity ` +
      `retries, the shape since B9) only for each look, and its history records the last look alone, so the ` +
      `figure undercounts looks but shows that no render holds a slot. How many Runway tasks one worker follows at ` +
      `once is the sandbox's peak of unfinished tasks: ${tuned.peakSandboxInFlight} and ` +
      `${runway.peakSandboxInFlight}.`,
  ];
}

/** The timed-out or retried activities of both phases, each kind once with its count. */
function troubledNote(...phases: Pick<Phase, 'label' | 'troubled'>[]): string {
  const all = phases.flatMap((p) => p.troubled.map((t) => `${t} (${p.label})`));
  if (all.length === 0) return '';
  return ` Timed-out or retried activities: ${countedText(tally(all)).join('; ')}.`;
}

const summaryOf = (values: number[] | undefined) => (values?.length ? summarize(values) : undefined);
