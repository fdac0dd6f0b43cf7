/**
 * A rollout with Worker Versioning on the dev server: builds A and B of one Worker Deployment (the same code, two build
 * ids) poll one task queue in two worker processes. Scenes started while A is current stay on A after B becomes
 * current (PINNED), scenes started afterwards run on B, and a project started on A moves to B at its next workflow task
 * (AUTO_UPGRADE). Every history replays with the current bundle. An unversioned worker declares no behaviour at all.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import type { WorkerProcess } from '../../dev/harness/worker-process';
import { startProjectVideos, waitForProjectVideos } from '../../src/client';
import { getProjectProgress } from '../../src/contract/project-workflow';
import type { SceneInput } from '../../src/contract/scene-input';
import { getProgress } from '../../src/contract/scene-workflow';
import { sceneWorkflowBundle } from '../../src/worker/create-worker';
import { generateSceneVideo } from '../../src/workflows';
import { connectClient, installQuietRuntime, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';
import { spawnTestWorker } from '../helpers/worker-process';

const { RoutingConfigUpdateState, VersioningBehavior } = temporal.api.enums.v1;

let sandbox: Sandbox;
let conn: Awaited<ReturnType<typeof connectClient>>;
beforeAll(async () => {
  // Renders long enough (6 s) that the scenes started on A are still running when B becomes current.
  sandbox = await startSandbox({ scenario: { default: { queueMs: 100, renderMs: 6_000 } } });
  conn = await connectClient();
  installQuietRuntime();
});
afterAll(async () => {
  await conn?.connection.close();
  await sandbox?.close();
});

/**
 * Makes the build current as `temporal worker deployment set-current-version` does; the server refuses a version
 * none of whose workers has polled yet, so this retries until one has (or 30 s pass).
 */
async function setCurrentBuild(client: Client, deploymentName: string, buildId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.workflowService.setWorkerDeploymentCurrentVersion({
        namespace: client.options.namespace,
        deploymentName,
        buildId,
      });
      break;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`could not make ${deploymentName} build ${buildId} current in 30 s: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  // Server 1.29 answers once every task queue has the new routing (the state stays UNSPECIFIED); later servers may
  // answer at once and report the propagation here.
  await waitFor(async () => {
    const { workerDeploymentInfo } = await client.workflowService.describeWorkerDeployment({
      namespace: client.options.namespace,
      deploymentName,
    });
    return (
      workerDeploymentInfo?.routingConfigUpdateState !==
      RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS
    );
  }, 30_000);
}

/** The build id and versioning behaviour each workflow task of the run was completed with, in order. */
async function workflowTaskBuilds(handle: WorkflowHandle): Promise<{ buildId: string; behavior: string }[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const done = e.workflowTaskCompletedEventAttributes;
    if (!done) return [];
    return [
      { buildId: done.deploymentVersion?.buildId ?? '', behavior: VersioningBehavior[done.versioningBehavior!]! },
    ];
  });
}

function sceneInput(sceneId: string): SceneInput {
  return {
    sceneId,
    sceneType: 'hook',
    prompt: 'Opening shot over a city skyline at dawn',
    durationSec: 5,
    aspectRatio: '16:9',
    polling: { intervalMs: 500, providerDeadlineMs: 120_000 },
  };
}

it('pins scenes to the build that started them, moves projects to the current one, and replays', async () => {
  const taskQueue = uniqueTaskQueue('versioning');
  const deploymentName = `scene-video-${taskQueue}`;
  const [buildA, buildB] = ['build-a', 'build-b'];
  const workers: WorkerProcess[] = [];
  const startBuild = (buildId: string) => {
    const worker = spawnTestWorker({
      taskQueue,
      sandbox,
      extraEnv: { TEMPORAL_DEPLOYMENT_NAME: deploymentName, TEMPORAL_WORKER_BUILD_ID: buildId },
    });
    workers.push(worker);
    return worker;
  };
  try {
    const [a, b] = [startBuild(buildA), startBuild(buildB)];
    await Promise.all([a.ready, b.ready]);
    expect(a.output()).toContain(`Worker Deployment ${deploymentName}, build ${buildA}`);
    await setCurrentBuild(conn.client, deploymentName, buildA);

    const startScene = (sceneId: string) =>
      conn.client.workflow.start(generateSceneVideo, {
        taskQueue,
        workflowId: `${taskQueue}-${sceneId}`,
        args: [sceneInput(sceneId)],
      });
    const onA = await Promise.all(['a1', 'a2'].map(startScene));
    const project = await startProjectVideos(
      conn.client,
      {
        projectId: `${taskQueue}-project`,
        maxConcurrentScenes: 1,
        polling: { intervalMs: 500, providerDeadlineMs: 120_000 },
        scenes: [sceneInput('p1')],
      },
      { taskQueue },
    );
    // Everything started on A is rendering before B becomes current: the scenes polling, the project's scene running.
    await waitFor(async () => {
      const scenes = await Promise.all(onA.map((h) => h.query(getProgress)));
      const projectProgress = await project.handle.query(getProjectProgress);
      return scenes.every((p) => p.attempts[0]?.state === 'running') && projectProgress.counts.running === 1;
    }, 60_000);

    await setCurrentBuild(conn.client, deploymentName, buildB);
    const onB = await Promise.all(['b1', 'b2'].map(startScene));

    const results = await Promise.all([...onA, ...onB].map((h) => h.result()));
    for (const r of results) expect(r.stored).toBe(true);
    const projectResult = await waitForProjectVideos(conn.client, project.workflowId);
    expect(projectResult.counts.succeeded).toBe(1);
    const projectScene = conn.client.workflow.getHandle(projectResult.scenes[0]!.workflowId);

    // Every workflow task of a scene started on A, the project's scene included, was completed by A, pinned; every
    // one of the later scenes by B: the switch moved no pinned scene.
    const pinnedTo = async (handles: WorkflowHandle[], buildId: string) => {
      for (const h of handles) {
        const seen = new Set((await workflowTaskBuilds(h)).map((t) => `${t.buildId} ${t.behavior}`));
        expect(seen, h.workflowId).toEqual(new Set([`${buildId} VERSIONING_BEHAVIOR_PINNED`]));
      }
    };
    await pinnedTo([...onA, projectScene], buildA);
    await pinnedTo(onB, buildB);
    // The project began on A and, once its scene ended, went on on B.
    const projectBuilds = await workflowTaskBuilds(project.handle);
    console.log(`project workflow tasks: ${projectBuilds.map((t) => t.buildId).join(', ')}`);
    expect(projectBuilds[0]).toEqual({ buildId: buildA, behavior: 'VERSIONING_BEHAVIOR_AUTO_UPGRADE' });
    expect(projectBuilds.at(-1)).toEqual({ buildId: buildB, behavior: 'VERSIONING_BEHAVIOR_AUTO_UPGRADE' });
    const described = await project.handle.describe();
    expect(described.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion).toMatchObject({
      deploymentName,
      buildId: buildB,
    });

    const histories = await Promise.all(
      [...onA, ...onB, projectScene, project.handle].map(async (h) => ({
        workflowId: h.workflowId,
        history: await h.fetchHistory(),
      })),
    );
    const replays = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: await sceneWorkflowBundle() }, histories))
      replays.push(r);
    expect(replays).toHaveLength(6);
    for (const r of replays) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}, 180_000);

it('an unversioned worker declares no versioning behaviour, which the server would refuse from it', async () => {
  const taskQueue = uniqueTaskQueue('unversioned');
  const worker = spawnTestWorker({ taskQueue, sandbox });
  try {
    await worker.ready;
    expect(worker.output()).toContain('unversioned (no Worker Deployment)');
    const handle = await conn.client.workflow.start(generateSceneVideo, {
      taskQueue,
      workflowId: `${taskQueue}-scene`,
      args: [sceneInput('u1')],
    });
    expect((await handle.result()).stored).toBe(true);
    const builds = await workflowTaskBuilds(handle);
    expect(new Set(builds.map((t) => `${t.buildId} ${t.behavior}`))).toEqual(
      new Set([' VERSIONING_BEHAVIOR_UNSPECIFIED']),
    );
    expect(worker.output()).not.toMatch(/versioning behavior cannot be specified/);
  } finally {
    await worker.stop();
  }
}, 60_000);
