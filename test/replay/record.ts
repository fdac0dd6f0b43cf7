import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSceneVideo } from '../../src/client';
import { defaultCatalogue } from '../../src/config/catalogue';
import { createSceneWorker } from '../../src/worker/create-worker';
import { startSandbox, type ScenarioInput } from '../../dev/sandbox';
import { startStack } from '../../dev/stack/stack';
import { freePort } from '../../dev/stack/free-port';
import { startWebhookServer } from '../../src/webhooks/receiver';
import { generateProjectVideos, generateSceneVideo } from '../../src/workflows';
import { getProgress } from '../../src/contract/scene-workflow';
import { getProjectProgress } from '../../src/contract/project-workflow';
import { sandboxActivityDeps } from '../helpers/sandbox-deps';

const historiesDir = join(__dirname, 'histories');
const taskQueue = 'replay-recording';
/** Served by a second worker whose PiAPI tasks register webhooks, with its receiver; the other cases stay polled. */
const webhookTaskQueue = 'replay-recording-webhooks';
/** Served by a third worker with provider gates: Kling and Luma limited, the circuit breaker on. */
const gateTaskQueue = 'replay-recording-gates';
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

/** Queries progress from the first moment, as a pipeline does: a query can close the first workflow task early. */
async function queriedFromTheStart(handle: WorkflowHandle, query: Parameters<WorkflowHandle['query']>[0]) {
  for (let i = 0; i < 5; i++) await handle.query(query).catch(() => undefined);
  return handle;
}

/** Returns once the scene's first attempt has created its provider task. */
async function untilTaskCreated(handle: WorkflowHandle): Promise<void> {
  while (!(await handle.query(getProgress)).attempts[0]?.taskId) await new Promise((r) => setTimeout(r, 200));
}

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
      await untilTaskCreated(handle);
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
  {
    // Since `project-budget-worst-case`, decided before prepareProject: allowances at worst cases, a scene waiting for
    // money, scenes skipped for budget; queried from the first moment.
    name: 'project-budget-cap',
    scenario: quick,
    run: async (c) =>
      queriedFromTheStart(
        await c.workflow.start(generateProjectVideos, {
          taskQueue,
          workflowId: 'replay-budget',
          args: [
            {
              projectId: 'replay-budget',
              polling,
              budgetUsd: 0.5,
              maxConcurrentScenes: 2,
              scenes: ['b1', 'b2', 'b3', 'b4'].map((id) => ({
                ...scene(id, { projectId: undefined }),
                sceneType: 'hook',
                aspectRatio: '16:9' as const,
              })),
            },
          ],
        }),
        getProjectProgress,
      ),
  },
  {
    // Since `scene-budget-worst-case`, decided before prepareScene: a scene budget checked at worst cases, and a
    // 1,500-character prompt that the recorded catalogue's limits keep from Runway and Hunyuan.
    name: 'scene-budget-and-prompt-limits',
    scenario: quick,
    run: async (c) =>
      queriedFromTheStart(
        await c.workflow.start(generateSceneVideo, {
          taskQueue,
          workflowId: 'replay-scene-budget',
          args: [
            scene('budget', {
              maxCostUsd: 1,
              prompt: `A customer smiles at the camera. ${'Warm light. '.repeat(122)}`,
            }),
          ],
        }),
        getProgress,
      ),
  },
  {
    // Since `upload-survives-cancel`: a cancel that meets the upload lets it finish; the scene completes with its clip.
    name: 'scene-cancel-during-upload',
    scenario: {
      videoBytes: 3 * 1024 * 1024,
      default: { queueMs: 100, renderMs: 800, faults: [{ kind: 'download_slow', bytesPerSec: 512 * 1024 }] },
    },
    run: async (c) => {
      const handle = await c.workflow.start(generateSceneVideo, {
        taskQueue,
        workflowId: 'replay-cancel-upload',
        args: [scene('cancel-upload')],
      });
      while ((await handle.query(getProgress)).phase !== 'uploading') await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1_000));
      await handle.cancel();
      return handle;
    },
  },
  {
    // Since `poll-through-retries`: tasks without a webhook are looked at through checkTask's retries; Runway's task
    // fails, Kling's (on the polling worker, no webhook) completes.
    name: 'scene-poll-through-retries',
    scenario: {
      ...quick,
      models: { 'runway:gen4.5': { faults: [{ kind: 'task_failed', failureCode: 'INTERNAL.BAD_OUTPUT.CODE01' }] } },
    },
    run: (c) =>
      c.workflow.start(generateSceneVideo, {
        taskQueue,
        workflowId: 'replay-poll-retries',
        args: [
          scene('poll-retries', { sceneType: 'hook', aspectRatio: '16:9', allowedProviders: ['runway', 'kling'] }),
        ],
      }),
  },
  {
    // Since webhooks first: a PiAPI attempt waits for its webhook while the backstop checks through activity retries;
    // the first attempt's task fails (its webhook ends it), the second's completes.
    name: 'scene-webhooks-fallback',
    scenario: { ...quick, models: { 'piapi:kling': { faults: [{ kind: 'task_failed', message: 'render crashed' }] } } },
    run: (c) =>
      c.workflow.start(generateSceneVideo, {
        taskQueue: webhookTaskQueue,
        workflowId: 'replay-webhooks',
        args: [scene('webhooks', { allowedProviders: ['kling', 'luma'] })],
      }),
  },
  {
    // Since `provider-gate`, decided before prepareScene: each attempt at a limited provider asks its gate for a lease
    // and releases it when its task ends, the failed one reporting a provider-side failure to the breaker.
    name: 'scene-provider-gate-limit',
    scenario: { ...quick, models: { 'piapi:kling': { faults: [{ kind: 'task_failed', message: 'render crashed' }] } } },
    run: (c) =>
      c.workflow.start(generateSceneVideo, {
        taskQueue: gateTaskQueue,
        workflowId: 'replay-gate-limit',
        args: [scene('gate-limit', { allowedProviders: ['kling', 'luma'] })],
      }),
  },
  {
    // The breaker at a provider without a limit: the scene reads Runway's circuit (closed: no gate yet), its create
    // fails with a 503 and it reports that to the gate (which the report starts), then leases at limited Luma.
    name: 'scene-provider-gate-breaker',
    scenario: { ...quick, models: { 'runway:gen4.5': { faults: [{ kind: 'create_5xx', status: 503 }] } } },
    run: (c) =>
      c.workflow.start(generateSceneVideo, {
        taskQueue: gateTaskQueue,
        workflowId: 'replay-gate-breaker',
        args: [
          scene('gate-breaker', {
            sceneType: 'hook',
            aspectRatio: '16:9' as const,
            allowedProviders: ['runway', 'luma'],
          }),
        ],
      }),
  },
  {
    // Since `gate-wait-queue-deadline`: two scenes hold both Kling leases, so this scene's Kling attempt waits at the gate
    // until its polling.queueDeadlineMs (1 s) ends the wait, withdraws, and leases at Luma at once (its wait's timer
    // cancelled).
    name: 'scene-gate-wait-queue-deadline',
    scenario: { ...quick, models: { 'piapi:kling': { queueMs: 100, renderMs: 60_000 } } },
    run: async (c) => {
      const holders = await Promise.all(
        ['holder-1', 'holder-2'].map((id) =>
          c.workflow.start(generateSceneVideo, {
            taskQueue: gateTaskQueue,
            workflowId: `replay-gate-${id}`,
            args: [scene(id, { allowedProviders: ['kling'] })],
          }),
        ),
      );
      for (const holder of holders) await untilTaskCreated(holder);
      const handle = await c.workflow.start(generateSceneVideo, {
        taskQueue: gateTaskQueue,
        workflowId: 'replay-gate-wait',
        args: [
          scene('gate-wait', { allowedProviders: ['kling', 'luma'], polling: { ...polling, queueDeadlineMs: 1_000 } }),
        ],
      });
      void handle.result().finally(() => Promise.all(holders.map((h) => h.cancel())));
      return handle;
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
  const webhookPort = await freePort();
  const webhookSecret = randomBytes(32).toString('hex');
  const receiver = await startWebhookServer({
    secret: webhookSecret,
    client: client.workflow,
    host: '127.0.0.1',
    port: webhookPort,
  });
  const webhookWorker = await createSceneWorker({
    connection: await NativeConnection.connect({ address: stack.temporal.address }),
    namespace: 'default',
    taskQueue: webhookTaskQueue,
    deps: {
      ...deps,
      webhooks: { publicUrl: `http://127.0.0.1:${webhookPort}`, secret: webhookSecret, backstopMs: 60_000 },
    },
  });
  const gateDeps = sandboxActivityDeps(sandbox, stack.s3, {
    catalogue: defaultCatalogue.map((p) => (['kling', 'luma'].includes(p.key) ? { ...p, maxInFlight: 2 } : p)),
    gate: { breaker: { failures: 3, windowMs: 60_000, cooldownMs: 30_000 }, holderCheckMs: 5_000 },
  });
  const gateWorker = await createSceneWorker({
    connection: await NativeConnection.connect({ address: stack.temporal.address }),
    namespace: 'default',
    taskQueue: gateTaskQueue,
    deps: gateDeps,
  });
  const running = Promise.all([worker.run(), webhookWorker.run(), gateWorker.run()]);
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
    webhookWorker.shutdown();
    gateWorker.shutdown();
    await running;
    await receiver.close();
    await connection.close();
    await sandbox.close();
    deps.s3.destroy();
    gateDeps.s3.destroy();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
