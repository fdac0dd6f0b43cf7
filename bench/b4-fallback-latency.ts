import { randomUUID } from 'node:crypto';
import type { Benchmark } from './lib/benchmark';
import { medianFigure } from './lib/figures';
import { activityRuns, workflowStartMs } from './lib/histories';
import { step } from './lib/progress';
import { withRig } from './lib/rig';
import { benchScene, providerOrder, sandboxKey, startScenes } from './lib/scenes';
import { spawnWorker } from './lib/worker-process';

const providers = ['runway', 'kling'];

interface Sample {
  /** First provider's create activity started → second provider's task exists at the sandbox. */
  fromFirstCreateMs: number;
  fromWorkflowStartMs: number;
  /** First create activity failed (history) → second provider's task created: the fallback itself. */
  fromFailureMs: number;
  /** First create activity failed → second create activity scheduled: the workflow's reaction. */
  reactionMs: number;
}

export const b4: Benchmark = {
  id: 'B4',
  title: 'Fallback latency after a permanent create failure',
  async run({ quick }) {
    const scenes = quick ? 5 : 12;
    const order = providerOrder(benchScene({ sceneType: 'hook', allowedProviders: providers }));
    const scenario = {
      default: { queueMs: 0, renderMs: 0, latencyMs: 0 },
      models: { [sandboxKey(order[0]!)]: { faults: [{ kind: 'create_4xx' as const, status: 400 }] } },
    };
    return withRig(scenario, async (rig) => {
      const taskQueue = `b4-${randomUUID().slice(0, 8)}`;
      step('B4: starting the worker process…');
      const worker = await spawnWorker({ ...rig, sceneQueue: taskQueue });
      const samples: Sample[] = [];
      try {
        step(`B4: ${scenes} scenes one after another, ${order.join(' → ')}, the first answering HTTP 400 at create…`);
        for (let i = 0; i < scenes; i++) {
          const input = benchScene({
            sceneType: 'hook',
            allowedProviders: providers,
            polling: { intervalMs: 500, providerDeadlineMs: 60_000 },
          });
          const [handle] = await startScenes(rig.client, taskQueue, [input]);
          const result = await handle!.result();
          const history = await handle!.fetchHistory();
          const creates = activityRuns(history).filter((r) => r.type === 'createTask');
          const second = rig.sandbox.stats().tasks.find((t) => t.taskId === result.attempts[1]?.taskId);
          const first = creates[0];
          if (!second || !first?.startedMs || !first.closedMs || first.outcome !== 'failed' || !creates[1]) {
            throw new Error(`B4: unexpected run: attempts ${JSON.stringify(result.attempts)}`);
          }
          const createdMs = Date.parse(second.createdAt);
          samples.push({
            fromFirstCreateMs: createdMs - first.startedMs,
            fromWorkflowStartMs: createdMs - workflowStartMs(history),
            fromFailureMs: createdMs - first.closedMs,
            reactionMs: creates[1].scheduledMs - first.closedMs,
          });
        }
      } finally {
        await worker.stop();
      }
      const pick = (f: keyof Sample) => samples.map((s) => s[f]);
      return {
        figures: [
          medianFigure('first create started → second provider task created', pick('fromFirstCreateMs'), 'ms', {
            digits: 0,
            target: { op: '<=', value: 1000 },
          }),
          medianFigure('workflow start → second provider task created', pick('fromWorkflowStartMs'), 'ms', {
            digits: 0,
          }),
          medianFigure('first create failed → second provider task created', pick('fromFailureMs'), 'ms', {
            digits: 0,
          }),
          medianFigure('first create failed → second create scheduled', pick('reactionMs'), 'ms', { digits: 0 }),
        ],
        details: { order, samples },
        notes: [
          `allowedProviders ${providers.join(', ')} for a hook scene ranks ${order.join(' → ')}; the sandbox answers ` +
            `every create for ${order[0]} with HTTP 400 (create_4xx), which createTask fails non-retryably. ` +
            `${scenes} scenes run one after another on an idle worker.`,
          `Times from the workflow history (dev server clock: workflow started, createTask started/failed/scheduled) ` +
            `and the sandbox's tasks[].createdAt (same machine clock, millisecond precision). The history's ` +
            `ActivityTaskStarted time is when the worker took the first create, i.e. just before its HTTP request.`,
        ],
      };
    });
  },
};
