import { Client, Connection } from '@temporalio/client';
import { startProjectVideos, startSceneVideo } from '../../../src/client';
import { startSandbox, type ScenarioInput } from '../../../dev/sandbox';
import { projectWorkflowId, sceneWorkflowId } from '../../../src/contract/workflow-ids';
import { concludeScenario } from '../lib/conclude';
import { activitiesInFlight } from '../lib/in-flight';
import { collectOutcomes, waitForWorkflows } from '../lib/outcomes';
import { emptyReport, tallyStored, type ScenarioReport } from '../lib/report';
import type { RestartableStack } from '../lib/restartable-stack';
import { chaosScene, input, runTag } from '../lib/scenes';
import { WorkerSupervisor } from '../lib/worker-process';

const videoBytes = 1024 * 1024;
const scenario: ScenarioInput = {
  videoBytes,
  default: {
    queueMs: 500,
    renderMs: 6_000,
    latencyMs: 500,
    faults: [{ kind: 'download_slow', bytesPerSec: 256 * 1024 }],
  },
};

/**
 * The Temporal server stops in the middle of a batch and comes back on the same port and database: workflows,
 * timers and activities carry on, and every scene completes, paid once.
 */
export async function serverRestart(
  stack: RestartableStack,
  opts: { scenes: number; projectScenes: number; downMs: number },
): Promise<ScenarioReport> {
  const report = emptyReport('server restart');
  const tag = runTag('r');
  const prefix = `chaos-${tag}`;
  const taskQueue = `chaos-${tag}`;
  const sandbox = await startSandbox({ scenario });
  const worker = new WorkerSupervisor({ stack, sandbox, taskQueue, s3Prefix: prefix });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  let watching = true;
  try {
    await worker.start();
    const scenes = Array.from({ length: opts.scenes }, (_, i) => chaosScene(tag, i));
    for (const scene of scenes) await startSceneVideo(client, input(scene), { taskQueue });
    const projectId = `${tag}-p`;
    const projectScenes = Array.from({ length: opts.projectScenes }, (_, i) =>
      chaosScene(tag, opts.scenes + i, { projectId }),
    );
    scenes.push(...projectScenes);
    await startProjectVideos(
      client,
      { projectId, maxConcurrentScenes: 3, scenes: projectScenes.map(({ projectId: _p, ...s }) => input(s)) },
      { taskQueue },
    );
    const ids = scenes.map((s) => sceneWorkflowId(s.sceneId, s.projectId));
    const allIds = [...ids, projectWorkflowId(projectId)];

    // A supervisor's job: a worker that gives up on the vanished server is started again.
    const supervising = (async () => {
      while (watching) {
        if (!worker.alive) await worker.start().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    })();

    const inFlight = await durableActivitiesInFlight(client, ids);
    await stack.stopTemporal();
    await new Promise((r) => setTimeout(r, opts.downMs));
    await stack.startTemporal();
    report.faults = 1;
    report.figures.push(
      `Temporal down for ${opts.downMs / 1000} s with ${[...inFlight].map(([t, n]) => `${t} ×${n}`).join(', ') || 'nothing'} in flight`,
    );

    const stuck = await waitForWorkflows(client, allIds, 6 * 60_000);
    watching = false;
    await supervising;
    report.figures.push(`worker restarts after it exited on its own: ${worker.unexpectedExits}`);
    const outcomes = await collectOutcomes(client, scenes, ids, stuck);
    tallyStored(report, outcomes);
    if (stuck.has(projectWorkflowId(projectId))) report.problems.push(`stuck: project ${projectId}`);
    const storage = { endpoint: stack.s3, prefix, videoBytes };
    return await concludeScenario(report, { client, sandbox, outcomes, stuck, storage });
  } finally {
    watching = false;
    await worker.stop();
    await connection.close();
    await sandbox.close();
  }
}

/**
 * Waits until uploads are in flight (every scene streams its clip for about 4 s, so one is always seen) and polls too,
 * or just uploads once 10 s have passed since the first: the server then goes down with durable work in flight, never
 * in a lull between activities as a fixed sleep might.
 */
async function durableActivitiesInFlight(client: Client, ids: string[]): Promise<Map<string, number>> {
  const deadline = Date.now() + 90_000;
  let uploadsSeenAt: number | undefined;
  for (;;) {
    const inFlight = await activitiesInFlight(client, ids, 0);
    if (inFlight.get('uploadToS3')) {
      uploadsSeenAt ??= Date.now();
      if (inFlight.get('checkTask') || Date.now() - uploadsSeenAt > 10_000) return inFlight;
    }
    if (Date.now() > deadline)
      throw new Error('no upload was in flight within 90 s of the start: the worker is not progressing');
    await new Promise((r) => setTimeout(r, 200));
  }
}
