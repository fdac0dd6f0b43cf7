import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunwayClient } from '../src/providers/runway';
import type { SlotUse } from './b9/shared';
import type { FollowInput, FollowResult } from './b9/workflows';
import { awaitResults } from './lib/await-results';
import type { Benchmark } from './lib/benchmark';
import { mapLimit, sleep } from './lib/concurrency';
import { figure, type Figure } from './lib/figures';
import { eventMs, events, type History } from './lib/histories';
import { readProc } from './lib/proc';
import { step } from './lib/progress';
import { withRig, type Rig } from './lib/rig';
import { round, summarize } from './lib/stats';
import { spawnWorker } from './lib/worker-process';

interface Shape {
  key: 'a' | 'b' | 'c';
  label: string;
  workflowType: 'b9InActivity' | 'b9ByRetry' | 'b9ChildPolling';
  activityType: 'pollStatus' | 'b9CheckByRetry' | 'b9CheckOnce';
}

const shapes: Shape[] = [
  { key: 'a', label: '(a) in-activity polling', workflowType: 'b9InActivity', activityType: 'pollStatus' },
  { key: 'b', label: '(b) activity retries', workflowType: 'b9ByRetry', activityType: 'b9CheckByRetry' },
  { key: 'c', label: '(c) child workflow', workflowType: 'b9ChildPolling', activityType: 'b9CheckOnce' },
];

/** The slots `createSceneWorker` has by default: what "one worker holds" is measured against. */
const defaultSlots = 200;
/** Shape (c) continues as new after this many checks: a 60 s render at 5 s checks once per task. */
const checksPerRun = 10;

interface Sizes {
  tasks: number;
  renderMs: number;
  intervalsMs: number[];
}

interface Phase {
  shape: Shape;
  intervalMs: number;
  tasks: number;
  succeeded: number;
  errors: string[];
  makespanSeconds: number;
  /** Median workflow start → close: the time a task is followed, which slot time is a share of. */
  followSecondsMedian: number;
  workerCpuSeconds: number;
  serverCpuSeconds: number;
  eventsPerTask: number[];
  /** Shape (c): runs per child chain and the largest history of one run. */
  childRunsPerTask?: number[];
  maxEventsPerRun: number;
  slots: SlotUse;
  gets: number;
  detectionSeconds: number[];
  /** Shape (b): tasks whose every attempt got its predecessor's heartbeat details, and attempts per task. */
  handover?: { complete: number; received: number; handovers: number; attempts: number[] };
  /** Shape (b): one pending activity in retry, as DescribeWorkflowExecution (and so the Web UI) shows it. */
  pendingSample?: Record<string, unknown>;
  workerLogLines: number;
  failedActivityLogLines: number;
}

/** A low-discrepancy spread over [0, 1): start offsets that put each task's end at a different phase of its checks. */
function spread(i: number): number {
  return (i * 0.6180339887498949) % 1;
}

async function runPhase(shape: Shape, intervalMs: number, sizes: Sizes): Promise<Phase> {
  const { tasks: n, renderMs } = sizes;
  const tag = `B9 ${shape.label}, ${intervalMs / 1000} s`;
  return withRig({ default: { queueMs: 0, renderMs, latencyMs: 0 } }, async (rig) => {
    const id = randomUUID().slice(0, 8);
    const taskQueue = `b9-${shape.key}-${id}`;
    const slotsFile = join(tmpdir(), `b9-slots-${id}.json`);
    step(`${tag}: starting the worker process (${n + 100} activity slots, so no shape queues)…`);
    const worker = await spawnWorker({
      ...rig,
      shapesQueue: taskQueue,
      slotsFile,
      maxConcurrentActivityTaskExecutions: n + 100,
    });
    try {
      const runway = createRunwayClient({ baseUrl: rig.sandbox.runwayBaseUrl, apiKey: rig.sandbox.apiKeys.runway });
      const created = await mapLimit(Array.from({ length: n }), 16, () =>
        runway.createTask({
          prompt: 'Calm office scene in the afternoon',
          durationSec: 5,
          aspectRatio: '16:9',
          model: { route: 'runway', model: 'gen4.5' },
        }),
      );
      const createdMs = new Map(rig.sandbox.stats().tasks.map((t) => [t.taskId, Date.parse(t.createdAt)]));
      const getsBefore = runwayGets(rig);
      step(
        `${tag}: ${n} Runway tasks created (${renderMs / 1000} s renders); starting one workflow each over ${intervalMs / 1000} s…`,
      );
      const logBefore = worker.output().length;
      const startedMs = Date.now();
      const cpu0 = cpuOf(worker.pid, rig);
      const handles = await Promise.all(
        created.map(async ({ taskId }, i): Promise<WorkflowHandle> => {
          await sleep(startedMs + spread(i) * intervalMs - Date.now());
          const input: FollowInput = {
            route: 'runway',
            taskId,
            intervalMs,
            deadlineMs: renderMs + 10 * intervalMs + 120_000,
            checksPerRun,
          };
          return rig.client.workflow.start(shape.workflowType, {
            taskQueue,
            workflowId: `b9-${shape.key}-${id}-${i}`,
            args: [input],
          });
        }),
      );
      const pendingSample =
        shape.key === 'b' ? samplePending(rig, handles[0]!, startedMs + intervalMs + renderMs / 2) : undefined;
      const outcomes = await awaitResults<FollowResult>(rig.client, handles, {
        label: tag,
        deadlineMs: renderMs + 10 * intervalMs + 120_000,
        progressEveryMs: 20_000,
      });
      const cpu1 = cpuOf(worker.pid, rig);
      const lastDoneMs = Math.max(...outcomes.map((o) => o.doneMs));
      await sleep(500); // the worker writes its slot counts at most every 200 ms
      const slots = readSlots(slotsFile, shape.activityType);
      const gets = runwayGets(rig) - getsBefore;

      step(`${tag}: reading histories…`);
      const parents = await mapLimit(handles, 16, (h) => h.fetchHistory());
      const children = shape.key === 'c' ? await childHistories(rig, taskQueue) : new Map<string, History[]>();
      const eventsPerTask = parents.map(
        (h, i) =>
          events(h).length +
          (children.get(`${handles[i]!.workflowId}-poll`) ?? []).reduce((s, c) => s + events(c).length, 0),
      );
      const detectionSeconds = parents.flatMap((h, i) => {
        const noticed = noticedMs(h);
        const createdAt = createdMs.get(created[i]!.taskId);
        return noticed === undefined || createdAt === undefined ? [] : [(noticed - (createdAt + renderMs)) / 1000];
      });
      const followSeconds = parents.map(
        (h) => (events(h).at(-1) ? eventMs(events(h).at(-1)!) - eventMs(events(h)[0]!) : 0) / 1000,
      );
      const ok = outcomes.filter((o) => o.ok);
      const output = worker.output().slice(logBefore).split('\n');
      return {
        shape,
        intervalMs,
        tasks: n,
        succeeded: ok.length,
        errors: [...new Set(outcomes.filter((o) => !o.ok).map((o) => o.error ?? '?'))].slice(0, 5),
        makespanSeconds: (lastDoneMs - startedMs) / 1000,
        followSecondsMedian: summarize(followSeconds).median,
        workerCpuSeconds: (cpu1.worker - cpu0.worker) / 1000,
        serverCpuSeconds: (cpu1.server - cpu0.server) / 1000,
        eventsPerTask,
        childRunsPerTask:
          shape.key === 'c' ? handles.map((h) => children.get(`${h.workflowId}-poll`)?.length ?? 0) : undefined,
        maxEventsPerRun: Math.max(
          ...parents.map((h) => events(h).length),
          ...[...children.values()].flat().map((h) => events(h).length),
        ),
        slots,
        gets,
        detectionSeconds,
        handover:
          shape.key === 'b'
            ? {
                complete: ok.filter((o) => o.value!.chainReceived === o.value!.attempt! - 1).length,
                received: ok.reduce((s, o) => s + o.value!.chainReceived!, 0),
                handovers: ok.reduce((s, o) => s + o.value!.attempt! - 1, 0),
                attempts: ok.map((o) => o.value!.attempt!),
              }
            : undefined,
        pendingSample: await pendingSample,
        workerLogLines: output.filter((l) => l.trim()).length,
        failedActivityLogLines: output.filter((l) => l.includes('Activity failed')).length,
      };
    } finally {
      await worker.stop();
      rmSync(slotsFile, { force: true });
    }
  });
}

function cpuOf(workerPid: number, rig: Rig): { worker: number; server: number } {
  const worker = readProc(workerPid)?.cpuMs;
  const server = readProc(rig.stack.temporal.process.pid)?.cpuMs;
  if (worker === undefined || server === undefined) throw new Error('the worker or the dev server is gone');
  return { worker, server };
}

function runwayGets(rig: Rig): number {
  return Object.values(rig.sandbox.stats().requests['GET /v1/tasks/:id'] ?? {}).reduce((s, c) => s + c, 0);
}

function readSlots(file: string, activityType: string): SlotUse {
  const none = { inFlight: 0, peak: 0, executions: 0, busyMs: 0 };
  if (!existsSync(file)) return none;
  return (JSON.parse(readFileSync(file, 'utf8')) as Record<string, SlotUse>)[activityType] ?? none;
}

/** When the parent learnt the task had ended: its activity's completion, or its child's. */
function noticedMs(h: History): number | undefined {
  const e = events(h).find(
    (x) => x.activityTaskCompletedEventAttributes || x.childWorkflowExecutionCompletedEventAttributes,
  );
  return e ? eventMs(e) : undefined;
}

/** Every run of every child chain (continue-as-new makes several per child), by child workflow id. */
async function childHistories(rig: Rig, taskQueue: string): Promise<Map<string, History[]>> {
  const runs: { workflowId: string; runId: string }[] = [];
  for await (const w of rig.client.workflow.list({
    query: `WorkflowType = 'b9PollChild' AND TaskQueue = '${taskQueue}'`,
  }))
    runs.push({ workflowId: w.workflowId, runId: w.runId });
  const histories = await mapLimit(runs, 16, (r) =>
    rig.client.workflow.getHandle(r.workflowId, r.runId).fetchHistory(),
  );
  const byId = new Map<string, History[]>();
  runs.forEach((r, i) => byId.set(r.workflowId, [...(byId.get(r.workflowId) ?? []), histories[i]!]));
  return byId;
}

/** Shape (b)'s activity between two attempts, as DescribeWorkflowExecution reports it (the Web UI shows these fields). */
async function samplePending(rig: Rig, handle: WorkflowHandle, atMs: number): Promise<Record<string, unknown>> {
  await sleep(atMs - Date.now());
  const { raw } = await handle.describe();
  const p = raw.pendingActivities?.[0];
  if (!p) return { pending: 'none' };
  const now = Date.now();
  const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    t ? Number(t.seconds) * 1000 + (t.nanos ?? 0) / 1e6 : undefined;
  const hb = p.heartbeatDetails?.payloads?.[0];
  return {
    state: p.state == null ? null : temporal.api.enums.v1.PendingActivityState[p.state],
    attempt: p.attempt,
    lastFailure: p.lastFailure?.message,
    nextAttemptInSeconds: p.nextAttemptScheduleTime
      ? round(((ms(p.nextAttemptScheduleTime) ?? now) - now) / 1000, 1)
      : null,
    heartbeatDetails: hb ? defaultPayloadConverter.fromPayload(hb) : null,
    lastHeartbeatAgoSeconds: p.lastHeartbeatTime ? round((now - (ms(p.lastHeartbeatTime) ?? now)) / 1000, 1) : null,
  };
}

function pct(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
}

/** Per task: worker CPU, dev server CPU, slot-seconds; and what those let one worker follow at once. */
function perTask(p: Phase) {
  const workerCpu = p.workerCpuSeconds / p.tasks;
  const slotSeconds = p.slots.busyMs / 1000 / p.tasks;
  return {
    workerCpu,
    serverCpu: p.serverCpuSeconds / p.tasks,
    slotSeconds,
    // Little's law: tasks followed at once = slots ÷ the share of its follow time a task holds one.
    bySlots: slotSeconds > 0 ? (defaultSlots * p.followSecondsMedian) / slotSeconds : null,
    byCore: workerCpu > 0 ? p.followSecondsMedian / workerCpu : null,
  };
}

function phaseFigures(p: Phase, baseline: Phase | undefined): Figure[] {
  const tag = `(${p.shape.label}, ${p.intervalMs / 1000} s interval)`;
  const t = perTask(p);
  const b = baseline && perTask(baseline);
  const holds = t.bySlots === null || t.byCore === null ? null : Math.min(t.bySlots, t.byCore);
  const figures = [
    figure(`tasks followed to the end ${tag}`, p.succeeded, `of ${p.tasks}`, {
      digits: 0,
      note: p.errors.length ? p.errors.join('; ') : undefined,
    }),
    figure(`makespan, first start → last result ${tag}`, p.makespanSeconds, 's', { digits: 1 }),
    figure(`worker CPU per task ${tag}`, t.workerCpu, 's', { digits: 4 }),
    figure(`dev server CPU per task ${tag}`, t.serverCpu, 's', { digits: 4 }),
    figure(
      `history events per task${p.shape.key === 'c' ? ' (parent + every child run)' : ''} ${tag}`,
      mean(p.eventsPerTask),
      'events',
      { digits: 1 },
    ),
    figure(`activity slots held at peak ${tag}`, p.slots.peak, 'slots', { digits: 0 }),
    figure(`slot time per task ${tag}`, t.slotSeconds, 's', { digits: 3 }),
    figure(`tasks one worker follows at once with ${defaultSlots} slots (slot bound) ${tag}`, t.bySlots, 'tasks', {
      digits: 0,
    }),
    figure(`tasks one worker follows at once on one core of CPU (CPU bound, extrapolated) ${tag}`, t.byCore, 'tasks', {
      digits: 0,
    }),
    figure(`tasks one worker holds (the lower bound) ${tag}`, holds, 'tasks', { digits: 0 }),
    figure(`provider GETs per task ${tag}`, p.gets / p.tasks, 'GETs', { digits: 2 }),
    figure(`detection delay p50, task end → parent told ${tag}`, pct(p.detectionSeconds, 0.5), 's', { digits: 2 }),
    figure(`detection delay p95 ${tag}`, pct(p.detectionSeconds, 0.95), 's', { digits: 2 }),
  ];
  if (b && baseline !== p)
    figures.push(
      figure(`worker CPU per task / (a)'s ${tag}`, t.workerCpu / b.workerCpu, 'ratio'),
      figure(`dev server CPU per task / (a)'s ${tag}`, t.serverCpu / b.serverCpu, 'ratio'),
    );
  if (p.handover)
    figures.push(
      figure(
        `heartbeat details that reached the next attempt ${tag}`,
        p.handover.handovers ? p.handover.received / p.handover.handovers : null,
        'ratio',
        {
          note: `${p.handover.received} of ${p.handover.handovers} hand-overs; ${p.handover.complete} of ${p.succeeded} tasks kept every one`,
        },
      ),
    );
  return figures;
}

function sizesFor(quick: boolean): Sizes {
  return quick
    ? { tasks: 60, renderMs: 20_000, intervalsMs: [5_000] }
    : { tasks: 300, renderMs: 60_000, intervalsMs: [5_000, 15_000] };
}

export const b9: Benchmark = {
  id: 'B9',
  title: 'Polling shapes for a long Runway task: in-activity, activity retries, child workflow',
  async run({ quick }) {
    const sizes = sizesFor(quick);
    const phases: Phase[] = [];
    for (const intervalMs of sizes.intervalsMs)
      for (const shape of shapes) phases.push(await runPhase(shape, intervalMs, sizes));
    const figures = phases.flatMap((p) =>
      phaseFigures(
        p,
        phases.find((x) => x.intervalMs === p.intervalMs && x.shape.key === 'a'),
      ),
    );
    const b = phases.filter((p) => p.shape.key === 'b');
    const c = phases.filter((p) => p.shape.key === 'c');
    return {
      figures,
      details: {
        sizes,
        checksPerRun,
        phases: phases.map((p) => ({
          ...p,
          shape: p.shape.key,
          eventsPerTask: summarize(p.eventsPerTask),
          detectionSeconds: summarize(p.detectionSeconds.length ? p.detectionSeconds : [0]),
          handover: p.handover && { ...p.handover, attempts: summarize(p.handover.attempts) },
        })),
      },
      notes: [
        `Each shape × interval has its own fresh stack, sandbox and worker process (bench/lib/worker-main.ts with ` +
          `bench/b9/workflows.ts and activities.ts, the scene worker's settings, ${sizes.tasks + 100} activity slots so ` +
          `no shape queues). The bench creates ${sizes.tasks} Runway gen4.5 tasks (${sizes.renderMs / 1000} s renders, ` +
          `queueMs 0) through the project's Runway client, then starts one workflow per task, spread over one poll ` +
          `interval (a golden-ratio sequence) so each task's end falls at a different phase of its checks.`,
        `(a) is today's pollStatus (src/activities/poll-status.ts) with the scene workflow's own options ` +
          `(pollStatusWithin): one activity per task, a GET every interval, heartbeats throttled to one per 10 s, and ` +
          `one providerProgress signal per task (4 of its history events). (b) is one GET per activity attempt: ` +
          `not done throws a BENIGN, retryable ApplicationFailure with nextRetryDelay = the interval; the retry policy ` +
          `has initialInterval 1 s, backoffCoefficient 1, unlimited attempts, so attempts one interval apart show ` +
          `that nextRetryDelay is honoured. (c) is a child workflow: a GET activity, then a timer, per check; it ` +
          `continues as new every ${checksPerRun} checks.`,
        `CPU per task = the process's CPU time (/proc/<pid>/stat utime + stime) from the first start to the last ` +
          `result, ÷ tasks; the dev server's pid is stack.temporal.process.pid. Slot time = the sum of the shape's ` +
          `activity executions as the worker times them; peak = the most at once. Slot bound = ${defaultSlots} × the ` +
          `median follow time ÷ slot time per task (Little's law); CPU bound = follow time ÷ worker CPU per task, i.e. ` +
          `tasks that keep one core busy, an extrapolation; the worker holds the lower of the two. GETs = the ` +
          `sandbox's count of GET /v1/tasks/:id. Detection delay = the parent's ActivityTaskCompleted (a, b) or ` +
          `ChildWorkflowExecutionCompleted (c) event time − (the task's createdAt + render time); the sandbox's ` +
          `timers fire late, never early, so the true end is at most a few ms later than computed.`,
        ...b.map(
          (p) =>
            `(b) at ${p.intervalMs / 1000} s: attempts per task ${JSON.stringify(p.handover && summarize(p.handover.attempts.length ? p.handover.attempts : [0]))}; ` +
            `worker log lines during the phase: ${p.workerLogLines} (${p.failedActivityLogLines} "Activity failed"; ` +
            `LOG_LEVEL WARN, and a BENIGN failure is logged at DEBUG). A pending activity between attempts, from ` +
            `DescribeWorkflowExecution: ${JSON.stringify(p.pendingSample)}.`,
        ),
        ...c.map(
          (p) =>
            `(c) at ${p.intervalMs / 1000} s: child runs per task ${JSON.stringify(summarize(p.childRunsPerTask?.length ? p.childRunsPerTask : [0]))}, ` +
            `largest history of one run ${p.maxEventsPerRun} events.`,
        ),
      ],
    };
  },
};
