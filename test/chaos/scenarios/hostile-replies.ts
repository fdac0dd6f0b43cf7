import { Client, Connection } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { startSceneVideo } from '../../../src/client';
import { startSandbox, type ScenarioInput } from '../../../dev/sandbox';
import { sceneWorkflowId } from '../../../src/contract/workflow-ids';
import type { ChaosStack } from '../lib/chaos-stack';
import { concludeScenario } from '../lib/conclude';
import { collectOutcomes, waitForWorkflows } from '../lib/outcomes';
import { emptyReport, type ScenarioReport } from '../lib/report';
import { chaosScene, input, runTag } from '../lib/scenes';
import { WorkerSupervisor } from '../lib/worker-process';

export interface HostileRepliesOptions {
  /** Well-behaved kling scenes running on the same worker meanwhile: none may be interrupted. */
  bystanders: number;
  /** The worker's DOWNLOAD_THROUGHPUT_WINDOW_SEC: a trickling download must fail within about this. */
  throughputWindowSec: number;
  /** Worker RSS may grow by at most this over the run (MiB). */
  maxRssGrowthMiB: number;
}

const videoBytes = 512 * 1024;
const sixtyMB = 60_000_000;

/**
 * One provider per hostile behaviour, each preferred by one scene, and kling well-behaved as everybody's fallback:
 * create and status replies that never end or are 60 MB long, a download trickling one byte a second, and an output
 * URL that answers 404 once.
 */
const hostileScenario: ScenarioInput = {
  videoBytes,
  default: { queueMs: 300, renderMs: 1_500 },
  models: {
    'runway:gen4.5': { faults: [{ kind: 'oversized_create', times: 1 }] },
    'piapi:luma': { faults: [{ kind: 'oversized_create', bytes: sixtyMB, times: 1 }] },
    'piapi:hailuo': { faults: [{ kind: 'oversized_get', times: 2 }] },
    'piapi:Qubico/hunyuan': {
      faults: [
        { kind: 'oversized_get', bytes: sixtyMB, times: 2 },
        { kind: 'download_404', times: 1 },
      ],
    },
    'piapi:veo3.1': { faults: [{ kind: 'download_slow', bytesPerSec: 1, times: 1 }] },
  },
};

interface HostileCase {
  provider: string;
  what: string;
  /** Who must store the clip: the same provider, or kling after an ambiguous create. */
  deliveredBy: string;
}

const cases: HostileCase[] = [
  { provider: 'runway', what: 'create reply never ends', deliveredBy: 'kling' },
  { provider: 'luma', what: 'create reply of 60 MB', deliveredBy: 'kling' },
  { provider: 'hailuo', what: 'status reply never ends, twice', deliveredBy: 'hailuo' },
  { provider: 'hunyuan', what: 'status reply of 60 MB twice, then the video URL answers 404', deliveredBy: 'hunyuan' },
  { provider: 'veo', what: 'video trickles at 1 byte/s', deliveredBy: 'veo' },
];

/**
 * Real scenes on a real worker process against providers whose replies are hostile. The worker must not restart (a
 * supervisor restarts it here, and counts), its RSS must stay bounded, every scene must store its clip, an oversized
 * create is an ambiguous create (never re-sent), a trickling download fails within the throughput window and is
 * tried again, and a 404 video URL is refreshed from the task instead of paying the next provider.
 */
export async function hostileReplies(stack: ChaosStack, opts: HostileRepliesOptions): Promise<ScenarioReport> {
  const report = emptyReport('hostile replies');
  const tag = runTag('h');
  const prefix = `chaos-${tag}`;
  const taskQueue = `chaos-${tag}`;
  const sandbox = await startSandbox({ scenario: hostileScenario });
  const supervisor = new WorkerSupervisor({
    stack,
    sandbox,
    taskQueue,
    s3Prefix: prefix,
    env: { DOWNLOAD_THROUGHPUT_WINDOW_SEC: String(opts.throughputWindowSec) },
  });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  let restarts = 0;
  let baselineMiB = 0;
  let peakMiB = 0;
  let watching = true;
  try {
    await supervisor.start();
    baselineMiB = memory(supervisor.pid).rssMiB;
    const polling = { intervalMs: 300, providerDeadlineMs: 120_000 };
    const scenes = [
      ...cases.map((c, i) =>
        chaosScene(tag, i, {
          sceneType: 'hook',
          aspectRatio: '16:9',
          preferredProvider: c.provider,
          allowedProviders: [c.provider, 'kling'],
          polling,
        }),
      ),
      ...Array.from({ length: opts.bystanders }, (_, i) =>
        chaosScene(tag, cases.length + i, {
          aspectRatio: '16:9',
          preferredProvider: 'kling',
          allowedProviders: ['kling'],
          polling,
        }),
      ),
    ];
    // A supervisor: a worker that died is replaced at once, and counted.
    const watch = (async () => {
      while (watching) {
        const pid = supervisor.pid;
        if (pid !== undefined) peakMiB = Math.max(peakMiB, memory(pid).peakMiB);
        else if (watching) {
          restarts++;
          await supervisor.start().catch(() => undefined);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    for (const scene of scenes) await startSceneVideo(client, input(scene), { taskQueue });
    const ids = scenes.map((s) => sceneWorkflowId(s.sceneId, s.projectId));
    const stuck = await waitForWorkflows(client, ids, 4 * 60_000);
    watching = false;
    await watch;
    if (supervisor.pid !== undefined) peakMiB = Math.max(peakMiB, memory(supervisor.pid).peakMiB);
    const outcomes = await collectOutcomes(client, scenes, ids, stuck);
    report.scenes = outcomes.length;
    report.faults = Object.values(hostileScenario.models ?? {})
      .flatMap((m) => m.faults ?? [])
      .reduce((n, f) => n + (f.times ?? 1), 0);

    const expected = [...cases.map((c) => c.deliveredBy), ...scenes.slice(cases.length).map(() => 'kling')];
    outcomes.forEach((o, i) => {
      const c = cases[i];
      const label = c ? `${c.provider} (${c.what})` : `bystander ${o.workflowId}`;
      if (o.status === 'completed' && o.result?.stored && o.result.provider === expected[i]) {
        report.completed++;
        if (c) report.figures.push(`✓ ${label}: stored by ${o.result.provider}, attempts: ${attemptsOf(o.attempts)}`);
      } else if (o.status !== 'stuck') {
        report.problems.push(
          `${label}: ${o.status}${o.result ? ` by ${o.result.provider}` : ''}, expected a clip stored by ${expected[i]}: ` +
            `${o.failure?.message ?? o.result?.warning ?? attemptsOf(o.attempts)}`,
        );
      }
    });

    const growthMiB = Math.max(0, peakMiB - baselineMiB);
    report.figures.push(
      `worker RSS ${baselineMiB.toFixed(0)} MiB at start, peak ${peakMiB.toFixed(0)} MiB: growth ${growthMiB.toFixed(0)} MiB ` +
        `(bound ${opts.maxRssGrowthMiB} MiB); worker restarts: ${restarts}`,
    );
    if (restarts > 0 || supervisor.unexpectedExits > 0)
      report.problems.push(
        `the worker died ${Math.max(restarts, supervisor.unexpectedExits)} time(s) and was restarted`,
      );
    if (growthMiB > opts.maxRssGrowthMiB)
      report.problems.push(`worker RSS grew ${growthMiB.toFixed(0)} MiB, over ${opts.maxRssGrowthMiB} MiB`);

    const tricklers = outcomes.filter((_o, i) => cases[i]?.provider === 'veo');
    for (const o of tricklers) {
      const timing = await retriedUpload(client, o.workflowId);
      const boundSec = opts.throughputWindowSec + 5;
      if (!timing) {
        report.problems.push(`${o.workflowId}: no retried uploadToS3 in history: the trickle was not cut off`);
        continue;
      }
      report.figures.push(
        `trickling download: attempt ${timing.attempt} stored the clip; the trickled attempt failed after ` +
          `≈${timing.failedAfterSec.toFixed(1)} s (window ${opts.throughputWindowSec} s, bound ${boundSec} s): ${timing.reason.slice(0, 140)}`,
      );
      if (timing.failedAfterSec > boundSec)
        report.problems.push(
          `the trickling download took ${timing.failedAfterSec.toFixed(1)} s to fail, over ${boundSec} s`,
        );
      if (!/too slow/.test(timing.reason))
        report.problems.push(`the trickle failed for another reason: ${timing.reason}`);
    }
    const stats = sandbox.stats();
    const videoGets = stats.requests['GET /ephemeral/:file'] ?? {};
    const hunyuanTasks = stats.tasks.filter((t) => t.model === 'Qubico/hunyuan').length;
    report.figures.push(
      `404 video URL: ${videoGets['404'] ?? 0} video GET(s) answered 404, ${videoGets['200'] ?? 0} served; ` +
        `${hunyuanTasks} hunyuan task(s) paid; ${stats.tasks.length} paid tasks for ${outcomes.length} scenes ` +
        `(${cases.filter((c) => c.deliveredBy !== c.provider).length} of them ambiguous creates)`,
    );
    if ((videoGets['404'] ?? 0) === 0) report.problems.push('the download_404 fault never fired');
    if (hunyuanTasks !== 1) report.problems.push(`${hunyuanTasks} hunyuan tasks paid for one scene`);
    return await concludeScenario(report, {
      client,
      sandbox,
      outcomes,
      stuck,
      storage: { endpoint: stack.s3, prefix, videoBytes },
    });
  } finally {
    watching = false;
    await supervisor.stop();
    await connection.close();
    await sandbox.close();
  }
}

function attemptsOf(attempts: { provider: string; state: string; error?: string }[]): string {
  return attempts.map((a) => `${a.provider}:${a.state}${a.error ? ` (${a.error.slice(0, 100)})` : ''}`).join(', ');
}

/** Current and peak resident set size of a process, from /proc (Linux). */
function memory(pid: number | undefined): { rssMiB: number; peakMiB: number } {
  if (pid === undefined) return { rssMiB: 0, peakMiB: 0 };
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
  } catch {
    return { rssMiB: 0, peakMiB: 0 };
  }
}

/**
 * The scene's uploadToS3 from history: the attempt that completed, the failure that preceded it, and how long the
 * failed attempt(s) took (schedule to the last attempt's start, less the 2 s retry back-off).
 */
async function retriedUpload(
  client: Client,
  workflowId: string,
): Promise<{ attempt: number; reason: string; failedAfterSec: number } | undefined> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
  const events = history.events ?? [];
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'uploadToS3');
  if (!scheduled) return undefined;
  const started = events.find(
    (e) => e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === scheduled.eventId?.toString(),
  );
  const attrs = started?.activityTaskStartedEventAttributes;
  if (!attrs || (attrs.attempt ?? 1) < 2) return undefined;
  return {
    attempt: attrs.attempt ?? 1,
    reason: attrs.lastFailure?.message ?? '',
    failedAfterSec: (ms(started.eventTime) - ms(scheduled.eventTime) - 2_000) / 1000,
  };
}
