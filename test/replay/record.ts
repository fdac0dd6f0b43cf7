import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSceneVideo } from '../../src/client';
import { createSceneWorker } from '../../src/create-worker';
import { startSandbox, type ScenarioInput } from '../../src/sandbox';
import { startStack } from '../../src/stack/stack';
import { generateProjectVideos, generateSceneVideo } from '../../src/workflows';
import { getProgress } from '../../src/workflows/definitions';
import { sandboxActivityDeps } from '../helpers/sandbox-deps';

const historiesDir = join(__dirname, 'histories');
const taskQueue = 'replay-recording';
const polling = { intervalMs: 200, providerDeadlineMs: 60_000 };
const quick: ScenarioInput = { default: { queueMs: 100, renderMs: 800 } };

type Recording = { name: string; scenario: ScenarioInput; run: (client: Client) => Promise<WorkflowHandle> };

const scene = (sceneId: string, extra: object = {}) => ({
  sceneId,
  projectId: 'replay',
  sceneType: 'testimonial',
  prompt: 'A customer smiles at the camera',
  durationSec: 5,
  aspectRatio: '9:16' as const,
  polling,
  ...extra,
});

const recordings: Recording[] = [
  {
    name: 'scene-first-provider-succeeds',
    scenario: quick,
    run: (c) => c.workflow.start(generateSceneVideo, { taskQueue, workflowId: 'replay-first', args: [scene('first')] }),
  },
  {
    // Started the way the pipeline starts scenes: the search attributes arrive with the start, not as an upsert.
    name: 'scene-started-by-client',
    scenario: quick,
    run: async (c) => (await startSceneVideo(c, scene('client'), { taskQueue })).handle,
  },
  {
    name: 'scene-deadline-then-fallback',
    scenario: { ...quick, models: { 'piapi:kling': { faults: [{ kind: 'hang' }] } } },
    run: (c) =>
      c.workflow.start(generateSceneVideo, {
        taskQueue,
        workflowId: 'replay-deadline',
        args: [scene('deadline', { polling: { intervalMs: 200, providerDeadlineMs: 3_000 } })],
      }),
  },
  {
    name: 'scene-fallback-after-failure',
    scenario: { ...quick, models: { 'piapi:kling': { faults: [{ kind: 'task_failed', message: 'render crashed' }] } } },
    run: (c) =>
      c.workflow.start(generateSceneVideo, { taskQueue, workflowId: 'replay-fallback', args: [scene('fallback')] }),
  },
  {
    name: 'scene-every-provider-fails',
    scenario: {
      ...quick,
      default: { queueMs: 50, renderMs: 200, faults: [{ kind: 'task_failed', message: 'GPU on fire' }] },
    },
    run: (c) =>
      c.workflow.start(generateSceneVideo, {
        taskQueue,
        workflowId: 'replay-all-fail',
        args: [scene('all-fail', { allowedProviders: ['kling', 'luma'] })],
      }),
  },
  {
    name: 'scene-cancelled',
    scenario: { default: { queueMs: 60_000, renderMs: 1_000 } },
    run: async (c) => {
      const handle = await c.workflow.start(generateSceneVideo, {
        taskQueue,
        workflowId: 'replay-cancelled',
        args: [scene('cancelled')],
      });
      while (!(await handle.query(getProgress)).attempts[0]?.taskId) await new Promise((r) => setTimeout(r, 200));
      await handle.cancel();
      return handle;
    },
  },
  {
    name: 'project-two-scenes',
    scenario: quick,
    run: (c) =>
      c.workflow.start(generateProjectVideos, {
        taskQueue,
        workflowId: 'replay-project',
        args: [
          {
            projectId: 'replay-project',
            polling,
            scenes: [
              scene('p1', { projectId: undefined }),
              { ...scene('p2', { projectId: undefined }), sceneType: 'product', aspectRatio: '1:1' as const },
            ],
          },
        ],
      }),
  },
  {
    // Since `unambiguous-scene-ids`: children under scene-video:{project}:{scene} with their identity in the memo, and
    // one child already running (started by the client) that the project attaches to after checking its identity.
    name: 'project-unambiguous-ids',
    scenario: quick,
    run: async (c) => {
      const p2 = { ...scene('p2', { projectId: undefined }), sceneType: 'product', aspectRatio: '1:1' as const };
      await startSceneVideo(c, { ...p2, projectId: 'replay-ids' }, { taskQueue });
      return c.workflow.start(generateProjectVideos, {
        taskQueue,
        workflowId: 'replay-ids',
        args: [
          {
            projectId: 'replay-ids',
            polling,
            scenes: [scene('p1', { projectId: undefined }), p2],
          },
        ],
      });
    },
  },
];

/**
 * `npm run histories:record`: re-runs every recorded case on a fresh stack and rewrites test/replay/histories/.
 * `npx tsx test/replay/record.ts <name>…` records only the cases named (a new case, without touching the others).
 */
async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stack = await startStack({ uiPort: false });
  const sandbox = await startSandbox();
  const deps = sandboxActivityDeps(sandbox, stack.s3);
  const connection = await Connection.connect({ address: stack.temporal.address });
  const client = new Client({ connection });
  const worker = await createSceneWorker({
    connection: await NativeConnection.connect({ address: stack.temporal.address }),
    namespace: 'default',
    taskQueue,
    deps,
  });
  const running = worker.run();
  try {
    const wanted = process.argv.slice(2);
    for (const recording of recordings) {
      if (wanted.length > 0 && !wanted.includes(recording.name)) continue;
      sandbox.setScenario(recording.scenario);
      const handle = await recording.run(client);
      const outcome = await handle.result().then(
        () => 'completed',
        (err: Error) => `failed: ${err.message}`,
      );
      const file = join(historiesDir, `${recording.name}.json`);
      writeFileSync(file, `${historyToJSON(await handle.fetchHistory())}\n`);
      console.log(`recorded ${recording.name} (${outcome}) → ${file}`);
    }
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await sandbox.close();
    deps.s3.destroy();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
