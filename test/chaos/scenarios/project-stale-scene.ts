import { Client, Connection } from '@temporalio/client';
import { startProjectVideos, waitForProjectVideos } from '../../../src/client';
import { generateSceneVideo } from '../../../src/workflows';
import { getProgress } from '../../../src/contract/scene-workflow';
import type { ProjectProgress } from '../../../src/contract/project-workflow';
import { sceneWorkflowId } from '../../../src/contract/workflow-ids';
import type { ChaosStack } from '../lib/chaos-stack';
import { startLane } from '../lib/lane';
import { pool } from '../lib/pool';
import { emptyReport, type ScenarioReport } from '../lib/report';
import { sandboxKey } from '../lib/sandbox-key';
import { runTag } from '../lib/scenes';

/** What the scene with the project's scene id is doing when the project starts. */
export type StaleCase = 'running-then-succeeds' | 'running-then-fails' | 'already-failed' | 'already-cancelled';
export const staleCases: StaleCase[] = [
  'running-then-succeeds',
  'running-then-fails',
  'already-failed',
  'already-cancelled',
];

export interface ProjectStaleSceneOptions {
  cases: StaleCase[];
  /** A project that has not finished this long after it started counts as stuck. */
  finishWithinMs: number;
}

const polling = { intervalMs: 200, providerDeadlineMs: 60_000 };

/**
 * A scene with the project's scene id already exists when the project starts (an earlier run, a pipeline): still
 * running, or already failed or cancelled. The project must finish either way: it waits for a running one and takes
 * its end (clip, or failure with its cost), and starts a failed or cancelled one afresh. Kling fails every task here;
 * Runway delivers.
 */
export async function projectStaleScene(stack: ChaosStack, opts: ProjectStaleSceneOptions): Promise<ScenarioReport> {
  const report = emptyReport('project-stale-scene');
  const lane = await startLane(stack, {
    scenario: {
      default: { queueMs: 100, renderMs: 300 },
      models: {
        [sandboxKey('kling')]: {
          queueMs: 100,
          renderMs: 2_000,
          faults: [{ kind: 'task_failed', message: 'render crashed' }],
        },
        [sandboxKey('runway')]: { queueMs: 100, renderMs: 2_000 },
      },
    },
  });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  const tag = runTag('ps');
  try {
    const results = await pool(opts.cases, 4, async (c, i) => {
      const problems = await staleCase(client, lane.taskQueue, c, `${tag}${i}`, opts, report);
      return [c, problems] as const;
    });
    for (const [c, problems] of results) {
      report.scenes++;
      report.faults++;
      if (problems.length === 0) report.completed++;
      report.problems.push(...problems.map((p) => `${c}: ${p}`));
    }
    return report;
  } finally {
    await connection.close();
    await lane.close();
  }
}

async function staleCase(
  client: Client,
  taskQueue: string,
  c: StaleCase,
  tag: string,
  opts: ProjectStaleSceneOptions,
  report: ScenarioReport,
): Promise<string[]> {
  const projectId = `${tag}-p`;
  const fails = c === 'running-then-fails' || c === 'already-failed';
  const scene = {
    sceneId: 'stale',
    sceneType: 'testimonial',
    prompt: `A customer tells her story (${c})`,
    durationSec: 5,
    aspectRatio: '16:9' as const,
    allowedProviders: [fails ? 'kling' : 'runway'],
  };
  const workflowId = sceneWorkflowId(scene.sceneId, projectId);
  const problems: string[] = [];
  const earlier = await client.workflow.start(generateSceneVideo, {
    taskQueue,
    workflowId,
    args: [{ ...scene, projectId, polling }],
  });
  const firstRun = earlier.firstExecutionRunId;
  if (c === 'already-failed') await earlier.result().catch(() => undefined);
  if (c === 'already-cancelled') {
    await earlier.cancel();
    await earlier.result().catch(() => undefined);
  }
  // The project itself may use Runway: a scene started afresh is the project's own.
  const projectScene = c.startsWith('already') ? { ...scene, allowedProviders: ['runway'] } : scene;
  const t0 = Date.now();
  const { handle } = await startProjectVideos(client, { projectId, polling, scenes: [projectScene] }, { taskQueue });
  const result = await Promise.race([
    waitForProjectVideos(client, handle.workflowId).catch((e: Error) => e),
    new Promise<undefined>((r) => setTimeout(() => r(undefined), opts.finishWithinMs)),
  ]);
  const seconds = (Date.now() - t0) / 1000;
  if (result === undefined) {
    report.stuck++;
    problems.push(`project not finished ${seconds.toFixed(0)} s after it started`);
    await handle.terminate('chaos: stuck').catch(() => undefined);
    return problems;
  }
  if (result instanceof Error) {
    problems.push(`project failed: ${result.message}`);
    return problems;
  }
  const row = (result as ProjectProgress).scenes[0]!;
  const scene2 = client.workflow.getHandle(workflowId);
  const own = await scene2.query(getProgress);
  const runId = (await scene2.describe()).runId;
  const expected = c === 'running-then-fails' ? 'failed' : 'succeeded';
  if (row.phase !== expected) problems.push(`scene row ${row.phase} (${row.error ?? ''}), expected ${expected}`);
  if (Math.abs(row.costUsd - own.totalCostUsd) > 1e-6)
    problems.push(`scene row cost $${row.costUsd} ≠ the scene's own $${own.totalCostUsd}`);
  if (c.startsWith('already') && runId === firstRun) problems.push('the ended scene was not started afresh');
  if (c.startsWith('running') && runId !== firstRun) problems.push('the running scene was started again, not awaited');
  report.figures.push(
    `${c}: project finished in ${seconds.toFixed(1)} s; scene ${row.phase} at $${row.costUsd.toFixed(4)}` +
      (c.startsWith('already') ? ', started afresh' : ', awaited'),
  );
  return problems;
}
