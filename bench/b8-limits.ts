import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { providerGateWorkflowId } from '../src/contract/workflow-ids';
import { gateState } from '../src/contract/provider-gate';
import { awaitResults } from './lib/await-results';
import type { Benchmark } from './lib/benchmark';
import { figure } from './lib/figures';
import { step } from './lib/progress';
import { withRig } from './lib/rig';
import { benchScene, sandboxKey, startScenes } from './lib/scenes';
import { spawnWorker } from './lib/worker-process';

const provider = 'kling';
const limit = 5;
/** Long against what a slot changing hands costs (a poll interval, a release, a grant, a create): about 0.3 s. */
const renderMs = 6_000;
const pollIntervalMs = 250;

export const b8: Benchmark = {
  id: 'B8',
  title: 'In-flight limit: scenes against a provider limited fleet-wide',
  async run({ quick }) {
    const scenes = quick ? 40 : 200;
    const idealMs = Math.ceil(scenes / limit) * renderMs;
    const dir = mkdtempSync(join(tmpdir(), 'b8-'));
    const catalogueFile = join(dir, 'catalogue.json');
    writeFileSync(catalogueFile, JSON.stringify({ overrides: { [provider]: { maxInFlight: limit } } }));
    const scenario = { default: { queueMs: 0, renderMs, latencyMs: 0 } };
    try {
      return await withRig(scenario, async (rig) => {
        const taskQueue = `b8-${randomUUID().slice(0, 8)}`;
        step('B8: starting the worker process…');
        const worker = await spawnWorker({
          ...rig,
          sceneQueue: taskQueue,
          env: { SCENE_VIDEO_CATALOGUE: catalogueFile },
        });
        try {
          step(
            `B8: ${scenes} scenes at once, ${provider} only, limited to ${limit} in flight, ${renderMs} ms renders…`,
          );
          const started = Date.now();
          const inputs = Array.from({ length: scenes }, () =>
            benchScene({
              allowedProviders: [provider],
              polling: { intervalMs: pollIntervalMs, providerDeadlineMs: 60_000 },
            }),
          );
          const handles = await startScenes(rig.client, taskQueue, inputs);
          const outcomes = await awaitResults(rig.client, handles, {
            label: 'B8',
            deadlineMs: 3 * idealMs,
            progressEveryMs: 20_000,
          });
          const makespanMs = Math.max(...outcomes.map((o) => o.doneMs)) - started;
          const failed = outcomes.filter((o) => !o.ok);
          const stats = rig.sandbox.stats();
          const gate = await rig.client.workflow
            .getHandle(providerGateWorkflowId(taskQueue, provider))
            .query(gateState);
          const gateRuns = await countRuns(rig.client, providerGateWorkflowId(taskQueue, provider));
          return {
            figures: [
              figure(
                'sandbox peak tasks in flight',
                stats.maxConcurrentProcessing[sandboxKey(provider)] ?? 0,
                'tasks',
                {
                  digits: 0,
                  target: { op: '<=', value: limit },
                },
              ),
              figure('makespan', makespanMs / 1000, 's', { digits: 1 }),
              figure(`ideal (ceil(${scenes}/${limit}) × render)`, idealMs / 1000, 's', { digits: 1 }),
              figure('makespan / ideal', makespanMs / idealMs, 'ratio', {
                digits: 3,
                target: { op: '<=', value: 1.1 },
              }),
              figure('scenes failed', failed.length, 'scenes', { digits: 0, target: { op: '<=', value: 0 } }),
              figure('leases granted', gate.granted, 'leases', { digits: 0 }),
              figure('gate runs (continue-as-new)', gateRuns, 'runs', { digits: 0 }),
            ],
            details: { failed: failed.slice(0, 5), tasksCreated: stats.tasksCreated },
            notes: [
              `${scenes} scenes started at once on one worker process (default settings: breaker on), allowedProviders ` +
                `${provider}, whose catalogue entry has maxInFlight ${limit} (SCENE_VIDEO_CATALOGUE override). The ` +
                `sandbox renders each task in ${renderMs} ms; scenes poll every ${pollIntervalMs} ms.`,
              'Peak in flight: the sandbox’s maxConcurrentProcessing (tasks created and not yet finished). Makespan: ' +
                'first start → last result seen by the client. The ideal counts render time only: every slot always ' +
                'busy, a slot changing hands taking no time.',
            ],
          };
        } finally {
          await worker.stop();
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function countRuns(client: import('@temporalio/client').Client, workflowId: string): Promise<number> {
  let runs = 0;
  for await (const _ of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs++;
  return runs;
}
