import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { devNull } from 'node:os';
import { promisify } from 'node:util';
import { getProjectProgress, startProjectVideos } from '../../../src/client';
import type { LiveProjectProgress } from '../../../src/client/project-videos';
import { getProgress } from '../../../src/contract/scene-workflow';
import { getProjectProgress as projectQuery, type ProjectProgress } from '../../../src/contract/project-workflow';
import type { ProjectInput } from '../../../src/contract/project-input';
import { sceneWorkflowId } from '../../../src/contract/workflow-ids';
import { cliFromSource } from '../../../dev/harness/cli-source';
import type { ChaosStack } from '../lib/chaos-stack';
import { startLane, type Lane } from '../lib/lane';
import { sandboxKey } from '../lib/sandbox-key';
import { emptyReport, type ScenarioReport } from '../lib/report';
import { runTag } from '../lib/scenes';

/** When the cancel arrives. */
export type CancelPhase = 'pending' | 'generating' | 'uploading';

export interface ProjectCancelOptions {
  phases: CancelPhase[];
  /** Scenes of the `pending` project (more than its 2 slots); the others use what their phase needs. */
  pendingScenes: number;
}

/** Remote tasks the sandbox still has unfinished (PiAPI lower-case, Runway upper-case). */
const unfinished = new Set(['pending', 'processing', 'staged', 'PENDING', 'THROTTLED', 'RUNNING']);
const polling = { intervalMs: 200, providerDeadlineMs: 120_000 };
const usd = (n: number) => `$${n.toFixed(4)}`;
const close = (a: number, b: number) => Math.abs(a - b) < 1e-6;

/**
 * A project is cancelled while its scenes are pending, while every scene is generating, and while one uploads its
 * clip. Every scene it started must be cancelled (not terminated) and cancel its remote task: Kling tasks are held
 * queued (PiAPI cancels only pending tasks), Runway tasks are rendering (Runway cancels those), so every remote task
 * here can be cancelled and none may be left running. The project ends CANCELLED, and the money committed agrees four
 * ways: the scenes' own progress, the project's progress, its memo, and `scene-video cost --project`.
 */
export async function projectCancel(stack: ChaosStack, opts: ProjectCancelOptions): Promise<ScenarioReport> {
  const report = emptyReport('project-cancel');
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  try {
    for (const phase of opts.phases) {
      const problems = await cancelAt(stack, client, phase, opts, report);
      report.faults++;
      report.problems.push(...problems.map((p) => `cancel ${phase}: ${p}`));
    }
    return report;
  } finally {
    await connection.close();
  }
}

function setup(phase: CancelPhase, opts: ProjectCancelOptions, tag: string) {
  // testimonial ranks Kling first; the odd scenes may only use Runway.
  const scene = (i: number, extra: Partial<ProjectInput['scenes'][number]> = {}) => ({
    sceneId: `${tag}-${i}`,
    sceneType: 'testimonial',
    prompt: `Customer ${i} smiles`,
    durationSec: 5,
    aspectRatio: '16:9' as const,
    ...(i % 2 === 1 && { allowedProviders: ['runway'] }),
    ...extra,
  });
  const held = {
    [sandboxKey('kling')]: { queueMs: 120_000, renderMs: 500 },
    [sandboxKey('runway')]: { queueMs: 100, renderMs: 120_000 },
  };
  if (phase === 'pending')
    return {
      scenario: { default: { queueMs: 100, renderMs: 500 }, models: held },
      maxConcurrentScenes: 2,
      scenes: Array.from({ length: opts.pendingScenes }, (_, i) => scene(i)),
    };
  if (phase === 'generating')
    return {
      scenario: { default: { queueMs: 100, renderMs: 500 }, models: held },
      maxConcurrentScenes: 4,
      scenes: Array.from({ length: 4 }, (_, i) => scene(i)),
    };
  // Scene 0 renders on Hailuo in moments and its 6 MiB clip streams at 256 KiB/s; the others are held as above.
  return {
    scenario: {
      videoBytes: 6 * 1024 * 1024,
      default: { queueMs: 100, renderMs: 500 },
      models: {
        ...held,
        [sandboxKey('hailuo')]: {
          queueMs: 100,
          renderMs: 300,
          faults: [{ kind: 'download_slow' as const, bytesPerSec: 256 * 1024 }],
        },
      },
    },
    maxConcurrentScenes: 3,
    scenes: [scene(0, { allowedProviders: ['hailuo'] }), scene(1), scene(2)],
  };
}

/** The moment to cancel: the phase's scenes are where the phase says, each started one with its remote task. */
function ready(phase: CancelPhase, p: LiveProjectProgress): boolean {
  const live = Object.values(p.live);
  const withTask = live.filter((l) => l.attempts.some((a) => a.taskId)).length;
  const rendering = live.filter((l) => l.attempts.at(-1)?.state === 'running').length;
  if (phase === 'pending') return withTask === 2 && rendering === 1 && p.counts.pending > 0;
  if (phase === 'generating') return withTask === 4 && rendering === 2;
  return live.some((l) => l.phase === 'uploading') && withTask === 3;
}

async function cancelAt(
  stack: ChaosStack,
  client: Client,
  phase: CancelPhase,
  opts: ProjectCancelOptions,
  report: ScenarioReport,
): Promise<string[]> {
  const tag = runTag(`pc${phase[0]}`);
  const projectId = `${tag}-p`;
  const { scenario, maxConcurrentScenes, scenes } = setup(phase, opts, tag);
  const lane = await startLane(stack, { scenario });
  const problems: string[] = [];
  let handle: WorkflowHandle | undefined;
  try {
    report.scenes += scenes.length;
    const started = await startProjectVideos(
      client,
      { projectId, maxConcurrentScenes, polling, scenes },
      { taskQueue: lane.taskQueue },
    );
    handle = started.handle;
    const t0 = Date.now();
    for (;;) {
      if (ready(phase, await getProjectProgress(client, started.workflowId))) break;
      if (Date.now() - t0 > 60_000) {
        problems.push(`the project never reached the "${phase}" moment within 60 s`);
        return problems;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const cancelAt = Date.now();
    await handle.cancel();
    const settled = await Promise.race([
      handle.result().then(
        () => 'completed',
        (e: unknown) => (e as Error).cause?.constructor.name ?? 'failed',
      ),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 90_000)),
    ]);
    const closeMs = Date.now() - cancelAt;
    if (settled === undefined) {
      report.stuck++;
      problems.push('the project did not close within 90 s of the cancel');
      return problems;
    }
    const status = (await handle.describe()).status.name;
    if (status !== 'CANCELLED' || settled !== 'CancelledFailure')
      problems.push(`project ended ${status} (client saw ${settled}), expected CANCELLED`);

    const progress: ProjectProgress = await handle.query(projectQuery);
    const startedScenes = progress.scenes.filter((s) => !s.error?.startsWith('not started'));
    const children = await Promise.all(
      startedScenes.map(async (s) => {
        const h = client.workflow.getHandle(sceneWorkflowId(s.sceneId, projectId));
        return {
          row: s,
          status: (await h.describe()).status.name,
          own: await h.query(getProgress),
        };
      }),
    );
    for (const c of children) {
      // The uploading scene may finish storing its clip (its task is done and paid); every other one is cancelled.
      const ok =
        (c.status === 'CANCELLED' && c.row.phase === 'cancelled') ||
        (phase === 'uploading' && c.status === 'COMPLETED' && c.row.phase === 'succeeded');
      if (!ok) problems.push(`scene ${c.row.sceneId}: workflow ${c.status}, project row ${c.row.phase}`);
      if (!close(c.row.costUsd, c.own.totalCostUsd))
        problems.push(
          `scene ${c.row.sceneId}: project row ${usd(c.row.costUsd)} vs the scene's own ${usd(c.own.totalCostUsd)}`,
        );
      else report.completed++;
    }
    for (const s of progress.scenes.filter((x) => !startedScenes.includes(x))) {
      if (s.phase === 'cancelled') report.completed++;
      else problems.push(`scene ${s.sceneId} never started but shows ${s.phase}`);
    }

    const stats = lane.sandbox.stats();
    const left = stats.tasks.filter((t) => unfinished.has(t.status));
    if (left.length > 0)
      problems.push(
        `${left.length} remote task(s) still running after the cancel: ${left.map((t) => `${t.model} ${t.status}`).join(', ')}`,
      );
    const committed = children.reduce((sum, c) => sum + c.own.totalCostUsd, 0);
    const memo = ((await handle.describe()).memo?.cancelled as { totalCostUsd?: number } | undefined)?.totalCostUsd;
    const cli = await costOfProject(stack, lane, projectId, children.length);
    if (!close(progress.totalCostUsd, committed))
      problems.push(`project progress ${usd(progress.totalCostUsd)} ≠ scenes ${usd(committed)}`);
    if (memo === undefined || !close(memo, committed)) problems.push(`project memo ${memo} ≠ scenes ${usd(committed)}`);
    if (cli === undefined || !close(cli, committed)) problems.push(`cost --project ${cli} ≠ scenes ${usd(committed)}`);
    if (phase !== 'uploading' && committed <= 0)
      problems.push('nothing committed, although Runway renders were cancelled mid-render');
    report.figures.push(
      `cancel ${phase}: ${scenes.length} scenes (${children.length} started, ${progress.counts.cancelled} cancelled, ` +
        `${progress.counts.succeeded} succeeded); remote tasks still running ${left.length} of ${stats.tasks.length}; ` +
        `cancel calls ${stats.deletes.length}; project ${status} ${closeMs} ms after the cancel; committed: scenes ${usd(committed)}, ` +
        `project ${usd(progress.totalCostUsd)}, memo ${memo === undefined ? '-' : usd(memo)}, cost --project ${cli === undefined ? '-' : usd(cli)}`,
    );
    return problems;
  } catch (err) {
    problems.push(`crashed: ${(err as Error).message}`);
    return problems;
  } finally {
    if (handle) await handle.terminate('chaos cleanup').catch(() => undefined);
    await lane.close();
  }
}

const execFileP = promisify(execFile);

/** `scene-video cost --project <id> --json` as a person runs it, once visibility lists every started scene. */
async function costOfProject(
  stack: ChaosStack,
  lane: Lane,
  projectId: string,
  scenes: number,
): Promise<number | undefined> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_CONFIG_FILE: devNull,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: stack.namespace,
    TEMPORAL_TASK_QUEUE: lane.taskQueue,
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { stdout } = await execFileP(
      process.execPath,
      [...cliFromSource, 'cost', '--since', '30m', '--project', projectId, '--json'],
      {
        env,
      },
    );
    const run = JSON.parse(stdout) as { total: { usd: number; scenes: number } };
    if (run.total.scenes === scenes || Date.now() > deadline)
      return run.total.scenes === scenes ? run.total.usd : undefined;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
