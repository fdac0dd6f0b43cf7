import { Client, Connection } from '@temporalio/client';
import { startProjectVideos, startSceneVideo } from '../../../src/client';
import { startSandbox, type Fault, type ScenarioInput } from '../../../dev/sandbox';
import { projectWorkflowId, sceneWorkflowId } from '../../../src/contract/workflow-ids';
import type { ChaosStack } from '../lib/chaos-stack';
import { concludeScenario } from '../lib/conclude';
import { killDuring, killNow, type KillReport } from '../lib/aimed-kill';
import { countByType, describeCounts } from '../lib/in-flight';
import { collectOutcomes, waitForWorkflows } from '../lib/outcomes';
import { providerFaults } from '../lib/provider-faults';
import { emptyReport, tallyStored, type ScenarioReport } from '../lib/report';
import { chaosScene, input, runTag } from '../lib/scenes';
import { findSecrets, scanWorkflows, workerSecrets } from '../lib/secret-scan';
import { WorkerSupervisor } from '../lib/worker-process';

export interface WorkerKillOptions {
  soloScenes: number;
  projects: number;
  scenesPerProject: number;
  /** Kills happen for this long (or until every workflow is done), and past it until every type was interrupted. */
  killWindowMs: number;
  /** Random pause between a worker becoming ready and its SIGKILL. */
  killAfterMs: [number, number];
  /**
   * How long a kill waits for an activity type not interrupted yet to be in flight; none in that time (while scenes
   * still run) is a failure.
   */
  aimTimeoutMs?: number;
  /** Time allowed after the last kill for everything to finish. */
  settleMs: number;
  /** Progress while the kills go on (the scenario runs for minutes). */
  log?: (line: string) => void;
}

/** Every run interrupts each of these at least once. */
export const killTargets = ['createTask', 'checkTask', 'uploadToS3'] as const;

const videoBytes = 3 * 1024 * 1024;
const projectConcurrency = 5;
// Every download trickles for about four seconds, so uploads are in flight long enough to be killed.
const slow: Fault = { kind: 'download_slow', rate: 1, bytesPerSec: 768 * 1024 };

/** Phases long enough to be hit (1.5 s per API answer, 9 s in the queue and rendering), some providers failing sometimes. */
export const workerKillScenario: ScenarioInput = {
  videoBytes,
  default: { queueMs: 1_000, renderMs: 8_000, latencyMs: 1_500, faults: [slow] },
  models: {
    'runway:gen4.5': { faults: [{ kind: 'create_5xx', rate: 0.15 }, slow] },
    'piapi:kling': { faults: [{ kind: 'task_failed', rate: 0.1 }, slow] },
    'piapi:luma': { faults: [{ kind: 'rate_limit', retryAfterSec: 2, rate: 0.3 }, slow] },
    'piapi:hailuo': { faults: [{ kind: 'create_5xx', status: 503, rate: 0.2 }, slow] },
    'piapi:veo3.1': { faults: [{ kind: 'download_truncated', rate: 0.2 }, slow] },
  },
};

/**
 * Many scenes, solo and in projects, while the worker process is SIGKILLed at random moments and replaced. Every
 * scene must complete, each paid task must be one an attempt recorded, and S3 must hold exactly the recorded clips.
 */
export async function workerKills(stack: ChaosStack, opts: WorkerKillOptions): Promise<ScenarioReport> {
  // The first kill comes after a pause, by which the first creates may all be done; a project's later scenes start
  // their creates afterwards, while the kills are aimed with no pause, so one of them is always caught.
  if (opts.projects < 1 || opts.scenesPerProject <= projectConcurrency) {
    throw new Error(
      `worker kills needs a project with more than ${projectConcurrency} scenes (it has ${opts.projects} × ` +
        `${opts.scenesPerProject}): its later scenes are the creates a kill is sure to catch`,
    );
  }
  const report = emptyReport('worker kills');
  const tag = runTag('k');
  const prefix = `chaos-${tag}`;
  const taskQueue = `chaos-${tag}`;
  const sandbox = await startSandbox({ scenario: workerKillScenario, seed: Date.now() % 100_000 });
  const supervisor = new WorkerSupervisor({ stack, sandbox, taskQueue, s3Prefix: prefix });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  try {
    await supervisor.start();
    const scenes = Array.from({ length: opts.soloScenes }, (_, i) => chaosScene(tag, i));
    for (const scene of scenes) await startSceneVideo(client, input(scene), { taskQueue });
    const projectIds: string[] = [];
    for (let p = 0; p < opts.projects; p++) {
      const projectId = `${tag}-p${p}`;
      const projectScenes = Array.from({ length: opts.scenesPerProject }, (_, i) =>
        chaosScene(tag, opts.soloScenes + p * opts.scenesPerProject + i, { projectId }),
      );
      scenes.push(...projectScenes);
      projectIds.push(projectId);
      await startProjectVideos(
        client,
        {
          projectId,
          maxConcurrentScenes: projectConcurrency,
          scenes: projectScenes.map(({ projectId: _p, ...s }) => input(s)),
        },
        { taskQueue },
      );
    }
    const ids = scenes.map((s) => sceneWorkflowId(s.sceneId, s.projectId));
    const allIds = [...ids, ...projectIds.map(projectWorkflowId)];

    const hits = new Map<string, number>();
    const uncovered = new Set<string>(killTargets);
    const aimTimeoutMs = opts.aimTimeoutMs ?? 2 * 60_000;
    let aimed = 0;
    let misses = 0;
    const began = Date.now();
    const windowEnds = began + opts.killWindowMs;
    const restarts: number[] = [];
    // The kills go on for the window and, past it, until each activity type has been interrupted at least once.
    const aimingEnds = windowEnds + aimTimeoutMs;
    for (let round = 0; Date.now() < windowEnds || (uncovered.size > 0 && Date.now() < aimingEnds); round++) {
      // No pause while a type is still missing: a pause could let the last scenes through it unwatched.
      if (round === 0 || uncovered.size === 0) {
        const [min, max] = opts.killAfterMs;
        await new Promise((r) => setTimeout(r, min + Math.random() * (max - min)));
      }
      const running = await stillRunning(client, allIds);
      if (running.size === 0) break;
      const live = () => ids.filter((id) => running.has(id));
      // Coverage by construction: while a type has not been interrupted, the kill waits until one of the missing
      // types is in flight on the live worker. After that, every other kill is aimed at each type in turn, the rest
      // land wherever the random pause ends (between activities, in a workflow task, ...).
      const aim =
        uncovered.size > 0 ? [...uncovered] : round % 2 === 0 ? [killTargets[(round / 2) % killTargets.length]!] : [];
      let kill: KillReport | undefined;
      let how = 'random';
      if (aim.length > 0) {
        // Once covered, an aimed kill waits no longer than the longest random pause, then lands where it is.
        kill = await killDuring(client, supervisor, live, aim, {
          timeoutMs: uncovered.size > 0 ? aimTimeoutMs : opts.killAfterMs[1],
        });
        how = kill?.target
          ? `aimed at ${kill.target.type}`
          : kill
            ? `aimed at ${aim.join('/')}, it ended first`
            : `random, no ${aim.join('/')} in flight`;
        if (!kill && uncovered.size > 0) {
          // Scenes were running for the whole wait, yet none ran these activities: the workers are not progressing.
          for (const type of uncovered)
            report.problems.push(
              `no kill landed during ${type}: none was in flight on a live worker for ${aimTimeoutMs / 1000} s`,
            );
          uncovered.clear();
        }
      }
      if (kill?.target) aimed++;
      kill ??= await killNow(client, supervisor, live());
      misses += kill.misses;
      const counts = countByType(kill.interrupted);
      for (const [type, n] of counts) {
        hits.set(type, (hits.get(type) ?? 0) + n);
        uncovered.delete(type);
      }
      const at = ((Date.now() - began) / 1000).toFixed(0);
      opts.log?.(`  SIGKILL #${supervisor.kills} at ${at} s (${how}) with ${describeCounts(counts)} in flight`);
      const restart = Date.now();
      await supervisor.start();
      restarts.push(Date.now() - restart);
    }
    report.faults = supervisor.kills;
    report.figures.push(
      `${supervisor.kills} SIGKILLs (${aimed} aimed at an activity in flight, ${supervisor.kills - aimed} at random moments), ` +
        `interrupting ${describeCounts(hits)} (activity executions in flight, summed)`,
      `worker restart (spawn to polling) median ${median(restarts) / 1000} s, the kills spread over ${((Date.now() - began) / 1000).toFixed(0)} s`,
      `aimed tries whose target ended between being seen and the freeze (worker thawed or kill not counted as aimed): ${misses}`,
    );
    // Unreachable while scenes run (each runs every type on a watched worker); kept so a gap can never pass silently.
    for (const type of uncovered) report.problems.push(`no kill landed during ${type} before every scene ended`);

    const stuck = await waitForWorkflows(client, allIds, opts.settleMs);
    const outcomes = await collectOutcomes(client, scenes, ids, stuck);
    tallyStored(report, outcomes);
    for (const id of projectIds.map(projectWorkflowId)) {
      if (stuck.has(id)) report.problems.push(`stuck: project ${id}`);
    }
    const { failedCreates, failedTasks } = providerFaults(sandbox.stats());
    report.figures.push(`provider faults seen: ${failedCreates} failed create replies, ${failedTasks} failed tasks`);
    report.faults += failedCreates + failedTasks;
    report.figures.push(`worker exits without a kill: ${supervisor.unexpectedExits}`);
    // The big run doubles as a secrets check: every history and every line the worker generations printed.
    const markers = workerSecrets(sandbox.apiKeys, stack.s3);
    const leaks = [
      ...(await scanWorkflows(client, allIds, markers)),
      ...findSecrets('the worker logs', supervisor.output(), markers),
    ];
    report.secrets += leaks.length;
    report.problems.push(...leaks);
    report.figures.push(`secret scan: ${allIds.length} histories, search attributes and memos, and the worker logs`);
    const storage = { endpoint: stack.s3, prefix, videoBytes };
    return await concludeScenario(report, { client, sandbox, outcomes, stuck, storage });
  } finally {
    await supervisor.stop();
    await connection.close();
    await sandbox.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The workflows not known to be closed (one not started yet counts as running), read all at once. */
async function stillRunning(client: Client, workflowIds: string[]): Promise<Set<string>> {
  const closed = await Promise.all(
    workflowIds.map((id) =>
      client.workflow
        .getHandle(id)
        .describe()
        .then(({ status }) => status.name !== 'RUNNING')
        .catch(() => false),
    ),
  );
  return new Set(workflowIds.filter((_, i) => !closed[i]));
}
