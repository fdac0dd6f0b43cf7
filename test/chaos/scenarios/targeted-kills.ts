import { Client, Connection } from '@temporalio/client';
import { startSceneVideo } from '../../../src/client';
import { startSandbox, type Sandbox, type ScenarioInput } from '../../../dev/sandbox';
import type { ChaosStack } from '../lib/chaos-stack';
import { killDuring } from '../lib/aimed-kill';
import { concludeScenario } from '../lib/conclude';
import { collectOutcomes, promptTag, waitForWorkflows, type SceneOutcome } from '../lib/outcomes';
import { emptyReport, type ScenarioReport } from '../lib/report';
import { chaosScene, input, runTag } from '../lib/scenes';
import { WorkerSupervisor } from '../lib/worker-process';

const videoBytes = 2 * 1024 * 1024;

/**
 * Luma answers a first create with 429 and Retry-After 22 s (longer than the worker's 20 s heartbeat throttle, so a
 * heartbeat from before the back-off has reached the server), and every Luma answer takes 3 s, so the re-sent create
 * sits at the provider long enough to be killed mid-flight. Kling renders for 15 s; Hunyuan's video trickles at
 * 256 KiB/s (8 s for 2 MiB).
 */
const scenario: ScenarioInput = {
  videoBytes,
  default: { queueMs: 200, renderMs: 1_000 },
  models: {
    'piapi:luma': { latencyMs: 3_000, faults: [{ kind: 'rate_limit', retryAfterSec: 22, times: 1 }] },
    // Each status GET takes 1.5 s: a look through checkTask's retries is in flight long enough to be caught.
    'piapi:kling': { renderMs: 15_000, latencyMs: 1_500 },
    'piapi:Qubico/hunyuan': { faults: [{ kind: 'download_slow', bytesPerSec: 256 * 1024 }] },
  },
};

const tasksOf = (sandbox: Sandbox, tag: string) =>
  sandbox.stats().tasks.filter((t) => t.prompt.includes(promptTag(tag)));

/**
 * One SIGKILL aimed at each activity, at its most delicate moment: a create re-sent after a 429 back-off and still
 * in flight, a poll of a rendering task, an upload halfway through its download.
 */
export async function targetedKills(stack: ChaosStack): Promise<ScenarioReport> {
  const report = emptyReport('targeted worker kills');
  const tag = runTag('t');
  const prefix = `chaos-${tag}`;
  const sandbox = await startSandbox({ scenario });
  // One worker per target, so each kill interrupts exactly one activity.
  const queues = ['create', 'poll', 'upload'].map((phase) => `chaos-${tag}-${phase}`);
  const workers = queues.map((taskQueue) => new WorkerSupervisor({ stack, sandbox, taskQueue, s3Prefix: prefix }));
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  const polling = { intervalMs: 1_000, providerDeadlineMs: 10 * 60_000 };
  const scenes = [
    chaosScene(tag, 0, {
      sceneType: 'product',
      preferredProvider: 'luma',
      allowedProviders: ['luma', 'hailuo'],
      polling,
    }),
    chaosScene(tag, 1, {
      sceneType: 'testimonial',
      preferredProvider: 'kling',
      allowedProviders: ['kling', 'luma'],
      polling,
    }),
    chaosScene(tag, 2, {
      sceneType: 'broll',
      preferredProvider: 'hunyuan',
      allowedProviders: ['hunyuan', 'kling'],
      polling,
    }),
  ];
  // Each moment: the activity in flight on its worker (seen on the server, then held by freezing the worker; see
  // killDuring) and the provider-side state that makes it delicate.
  const moments: { type: string; ready: () => boolean }[] = [
    // The 429 came back, the back-off passed and the create went out again: the task exists, its reply is 3 s away.
    { type: 'createTask', ready: () => tasksOf(sandbox, scenes[0]!.tag).length > 0 },
    // The Kling task is rendering (15 s) and a look at it (checkTask, one GET per attempt) is in flight.
    { type: 'checkTask', ready: () => tasksOf(sandbox, scenes[1]!.tag)[0]?.status === 'processing' },
    {
      type: 'uploadToS3',
      ready: () => {
        const task = tasksOf(sandbox, scenes[2]!.tag)[0];
        const sent = task && sandbox.stats().downloads[task.taskId]?.bytes;
        return !!sent && sent > 256 * 1024;
      },
    },
  ];
  const what = [
    'during createTask, after a 429 back-off, with the re-sent create in flight',
    'during checkTask, a look at the task while it renders',
    'during uploadToS3, partway through the download',
  ];
  try {
    const began = Date.now();
    const killAtMoment = async (i: number) => {
      const { workflowId } = await startSceneVideo(client, input(scenes[i]!), { taskQueue: queues[i] });
      const { type, ready } = moments[i]!;
      const kill = await killDuring(client, workers[i]!, () => [workflowId], [type], { timeoutMs: 90_000, ready });
      if (!kill?.target) throw new Error(`no kill landed ${what[i]}: ${kill ? 'it ended first' : 'timed out waiting'}`);
      report.figures.push(
        `kill ${what[i]}, ${((Date.now() - began) / 1000).toFixed(0)} s in: interrupted ${kill.target.type} ` +
          `attempt ${kill.target.attempt}, started on the killed worker ${kill.target.startedMs - workers[i]!.spawnedAt} ms after its spawn`,
      );
      await workers[i]!.start();
      return workflowId;
    };
    // The create's moment comes after a 22 s back-off: its worker starts alone, the others start meanwhile.
    await workers[0]!.start();
    const ids = await Promise.all([
      killAtMoment(0),
      ...[1, 2].map(async (i) => {
        await workers[i]!.start();
        return killAtMoment(i);
      }),
    ]);
    report.faults = workers.reduce((n, w) => n + w.kills, 0);

    const stuck = await waitForWorkflows(client, ids, 5 * 60_000);
    report.figures.push(`all three scenes ended ${((Date.now() - began) / 1000).toFixed(0)} s in`);
    const outcomes = await collectOutcomes(client, scenes, ids, stuck);
    report.scenes = outcomes.length;
    report.problems.push(...expectations(outcomes, sandbox));
    report.completed = outcomes.filter((o) => o.status === 'completed' && o.result?.stored).length;
    const storage = { endpoint: stack.s3, prefix, videoBytes };
    return await concludeScenario(report, { client, sandbox, outcomes, stuck, storage });
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await connection.close();
    await sandbox.close();
  }
}

function expectations([create, poll, upload]: SceneOutcome[], sandbox: Sandbox): string[] {
  const problems: string[] = [];
  const trail = (o: SceneOutcome) =>
    o.attempts.map((a) => `${a.provider}:${a.state}${a.error ? ` (${a.error.slice(0, 120)})` : ''}`).join(', ');
  for (const o of [create!, poll!, upload!]) {
    if (o.status !== 'completed' || !o.result?.stored)
      problems.push(`${o.workflowId} did not store a clip: ${o.status} ${o.failure?.message ?? ''}`);
  }
  // Whether the lost create reached Luma is unknowable: never re-sent, recorded as ambiguous, and the scene moves on.
  const first = create!.attempts[0];
  if (create!.attempts.length !== 2 || first?.provider !== 'luma' || !first.error?.startsWith('AmbiguousCreate')) {
    problems.push(`create kill: expected an ambiguous Luma attempt then Hailuo, got ${trail(create!)}`);
  }
  if (poll!.attempts.length !== 1 || poll!.result?.provider !== 'kling')
    problems.push(`poll kill: expected the same Kling task to finish, got ${trail(poll!)}`);
  const uploadTask = upload!.attempts[0]?.taskId;
  if (upload!.attempts.length !== 1 || upload!.result?.provider !== 'hunyuan') {
    problems.push(`upload kill: expected the same Hunyuan clip to be stored, got ${trail(upload!)}`);
  } else if ((sandbox.stats().downloads[uploadTask!]?.count ?? 0) < 2) {
    problems.push('upload kill: the clip was not downloaded again after the kill');
  }
  return problems;
}
