import { Client, Connection } from '@temporalio/client';
import { spawn, spawnSync } from 'node:child_process';
import { devNull } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  getProjectProgress,
  projectWorkflowId,
  sceneWorkflowId,
  sceneWorkflowType,
  startProjectVideos,
} from '../../src/client';
import { allSearchAttributeKeys } from '../../src/contract/search-attributes';
import { startCluster, type Cluster } from '../../dev/cluster/cluster';
import { waitForSearchAttributes } from '../../dev/cluster/temporal-server';
import { provisionCluster } from '../../dev/cluster/tools';
import { startSandbox, type Fault, type Sandbox, type ScenarioInput } from '../../dev/sandbox';
import { resolveTool } from '../../dev/stack/provision';
import { startS3Server, type S3Server } from '../../dev/stack/s3-server';
import { killDuring, killNow } from '../chaos/lib/aimed-kill';
import { concludeScenario } from '../chaos/lib/conclude';
import { countByType, describeCounts, pendingStarted, waitForInFlight } from '../chaos/lib/in-flight';
import { collectOutcomes, waitForWorkflows } from '../chaos/lib/outcomes';
import { providerFaults } from '../chaos/lib/provider-faults';
import { emptyReport, formatTable, passed, printFigures, tallyStored } from '../chaos/lib/report';
import { chaosScene, input, runTag } from '../chaos/lib/scenes';
import { findSecrets, scanWorkflows, workerSecrets } from '../chaos/lib/secret-scan';
import { WorkerSupervisor } from '../chaos/lib/worker-process';
import { launchChromium } from '../../dev/harness/chromium';
import { listRunsInUi } from '../helpers/web-ui';

/**
 * `npm run test:cluster`: the built package against a real Temporal server on PostgreSQL, not the CLI's dev server.
 * Two worker processes run a project while one is SIGKILLed and PostgreSQL restarts; every scene must be stored, paid
 * once, and listed by the cluster's Web UI. Everything it starts is torn down, its folder removed, even on Ctrl-C.
 */
const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'scene-video.js');
const sceneCount = 36;
const maxConcurrentScenes = 8;
const videoBytes = 2 * 1024 * 1024;
const settleMs = 10 * 60_000;
const aimTimeoutMs = 2 * 60_000;

// Each clip trickles for about two seconds, so uploads are in flight long enough to be caught by a kill or a restart.
const slow: Fault = { kind: 'download_slow', rate: 1, bytesPerSec: 1024 * 1024 };
/**
 * Render times from 2 to 15 s by model; failed tasks make scenes fall back along their ranking, and 5xx, rate limits
 * and cut downloads are retried on the same provider.
 */
const scenario: ScenarioInput = {
  videoBytes,
  default: { queueMs: 500, renderMs: 4_000, latencyMs: 300, faults: [slow] },
  models: {
    'piapi:kling': { renderMs: 2_000, faults: [{ kind: 'task_failed', rate: 0.4 }, slow] },
    'piapi:luma': {
      renderMs: 8_000,
      faults: [{ kind: 'rate_limit', retryAfterSec: 2, rate: 0.3 }, { kind: 'task_failed', rate: 0.2 }, slow],
    },
    'piapi:hailuo': { renderMs: 5_000, faults: [{ kind: 'create_5xx', status: 503, rate: 0.2 }, slow] },
    'piapi:veo3.1': { renderMs: 15_000, faults: [{ kind: 'download_truncated', rate: 0.2 }, slow] },
    'piapi:Qubico/hunyuan': { renderMs: 3_000 },
    'runway:gen4.5': {
      renderMs: 12_000,
      faults: [{ kind: 'create_5xx', rate: 0.2 }, { kind: 'task_failed', rate: 0.3 }, slow],
    },
  },
};

const phases = { 'provisioning and build': 0, 'cluster start': 0, run: 0, audits: 0 };
const log = (line: string) => console.log(`[cluster] ${line}`);
const seconds = (ms: number) => (ms / 1000).toFixed(0);

async function phase<T>(name: keyof typeof phases, body: () => Promise<T>): Promise<T> {
  log(`▶ ${name}`);
  const started = Date.now();
  try {
    return await body();
  } finally {
    phases[name] = Date.now() - started;
    log(`${name}: ${seconds(phases[name])} s`);
  }
}

/** What the run started, stopped in reverse order by `tearDown`; `interrupted` when a signal cut the run short. */
const started: { name: string; stop(interrupted: boolean): Promise<void> }[] = [];
let tearingDown: Promise<void> | undefined;
let interruptedBySignal = false;
function tearDown(interrupted = false): Promise<void> {
  tearingDown ??= (async () => {
    for (const { name, stop } of started.reverse()) {
      await stop(interrupted).catch((err: unknown) => log(`stopping ${name} failed: ${(err as Error).message}`));
    }
  })();
  return tearingDown;
}
// `on`, not `once`: Ctrl-C can arrive twice (from the terminal and relayed by npm), and a second SIGINT without a
// handler would end the run before the cluster folder is removed. The script runs on plain Node with tsx's require hook,
// not the tsx CLI, which SIGKILLs a child that takes over 60 ms to acknowledge a signal: on a busy machine it did.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (tearingDown) return;
    interruptedBySignal = true;
    log(`${signal}: tearing down (workers, S3, Temporal, PostgreSQL; the cluster folder is removed)…`);
    void tearDown(true).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

async function main(): Promise<number> {
  const report = emptyReport('cluster');
  const tag = runTag('c');
  const prefix = `cluster-${tag}`;
  const taskQueue = `cluster-${tag}`;
  const projectId = `${tag}-p`;

  const { tools, versitygw } = await phase('provisioning and build', async () => {
    const progress = (line: string) => log(line);
    const tools = await provisionCluster(progress);
    const versitygw = await resolveTool('versitygw', progress);
    await npmRunBuild();
    return { tools, versitygw };
  });

  const { cluster, s3, sandbox, workers, client } = await phase('cluster start', async () => {
    const cluster: Cluster = await startCluster({ tools, dataRoot: join(root, '.data'), progress: log });
    started.push({ name: 'the cluster', stop: () => cluster.stop() });
    const s3: S3Server = await startS3Server({
      binary: versitygw,
      dataDir: join(cluster.dir, 's3'),
      bucket: 'scene-videos',
      logDir: join(cluster.dir, 'logs'),
    });
    started.push({ name: 'S3', stop: () => s3.stop() });
    const sandbox: Sandbox = await startSandbox({ scenario, seed: Date.now() % 100_000 });
    started.push({ name: 'the sandbox', stop: () => sandbox.close() });
    const connection = await Connection.connect({ address: cluster.temporal.address });
    started.push({ name: 'the client connection', stop: () => connection.close() });
    const client = new Client({ connection, namespace: cluster.temporal.namespace });
    setUpNamespace(cluster);
    const waited = Date.now();
    await waitForSearchAttributes(
      connection,
      cluster.temporal.namespace,
      allSearchAttributeKeys.map((key) => key.name),
    );
    log(
      `search attributes accepted by the frontend, and one registry refresh later: ${seconds(Date.now() - waited)} s`,
    );

    const stack = { temporalAddress: cluster.temporal.address, namespace: cluster.temporal.namespace, s3 };
    const entry = { path: bin, args: ['worker'], compiled: true, readyLine: 'scene-video worker on ' };
    const workers = [0, 1].map(() => new WorkerSupervisor({ stack, sandbox, taskQueue, s3Prefix: prefix, entry }));
    // Drained at the end (idle by then), SIGKILLed on Ctrl-C rather than waiting up to 30 s for scenes in flight.
    for (const [i, w] of workers.entries())
      started.push({ name: `worker ${i + 1}`, stop: (interrupted) => (interrupted ? w.kill() : w.stop()) });
    await Promise.all(workers.map((w) => w.start()));
    log(
      `two workers polling ${taskQueue} (node bin/scene-video.js worker), pids ${workers.map((w) => w.pid).join(', ')}`,
    );
    return { cluster, s3, sandbox, workers, client };
  });

  const scenes = Array.from({ length: sceneCount }, (_, i) => chaosScene(tag, i, { projectId }));
  const ids = scenes.map((s) => sceneWorkflowId(s.sceneId, projectId));
  const projectWfId = projectWorkflowId(projectId);
  let dbRestarts = 0;
  const stuck = await phase('run', async () => {
    await startProjectVideos(
      client,
      { projectId, maxConcurrentScenes, scenes: scenes.map(({ projectId: _p, ...s }) => input(s)) },
      { taskQueue },
    );
    log(`project ${projectId}: ${sceneCount} scenes, at most ${maxConcurrentScenes} at once`);
    const began = Date.now();
    const ticker = setInterval(() => void printProgress(client, projectWfId, began), 15_000);
    try {
      // A kill while that worker has scenes generating or uploading: whatever it was running (creates too) vanishes.
      const victim = workers[0]!;
      const kill =
        (await killDuring(client, victim, () => ids, ['checkTask', 'uploadToS3'], {
          timeoutMs: aimTimeoutMs,
        })) ?? (await killNow(client, victim, ids));
      const interrupted = describeCounts(countByType(kill.interrupted));
      log(`SIGKILL worker 1 at ${seconds(Date.now() - began)} s with ${interrupted} in flight on it`);
      report.figures.push(
        `worker 1 SIGKILLed with ${interrupted} in flight on it (${kill.target ? 'aimed' : 'unaimed'})`,
      );
      await victim.start();
      log(`worker 1 back, pid ${victim.pid}`);

      // PostgreSQL goes away under the server while clips stream into S3 (their heartbeats and completions need it).
      await waitForInFlight(
        client,
        () => ids,
        ['uploadToS3'],
        () => ({ since: 0 }),
        { timeoutMs: aimTimeoutMs },
      );
      const inFlight = describeCounts(countByType(await pendingStarted(client, ids, { since: 0 })));
      const downMs = await cluster.postgres.restart();
      dbRestarts++;
      log(
        `PostgreSQL restarted (fast shutdown, start on the same data) at ${seconds(Date.now() - began)} s: ` +
          `${(downMs / 1000).toFixed(1)} s down, with ${inFlight} in flight`,
      );
      report.figures.push(`PostgreSQL down ${(downMs / 1000).toFixed(1)} s with ${inFlight} in flight`);

      const stuck = await waitForWorkflows(client, [...ids, projectWfId], settleMs);
      log(`every workflow ended ${seconds(Date.now() - began)} s after the start (${stuck.size} stuck)`);
      return stuck;
    } finally {
      clearInterval(ticker);
    }
  });

  let uiListed = 0;
  await phase('audits', async () => {
    const outcomes = await collectOutcomes(client, scenes, ids, stuck);
    tallyStored(report, outcomes);
    if (stuck.has(projectWfId)) report.problems.push(`stuck: project ${projectWfId}`);
    report.faults = workers[0]!.kills + dbRestarts;
    const { failedCreates, failedTasks } = providerFaults(sandbox.stats());
    const fallbacks = outcomes.filter((o) => o.attempts.length > 1).length;
    if (failedTasks === 0 || fallbacks === 0)
      report.problems.push('no provider task failed or no scene fell back: the run did not exercise fallbacks');
    report.figures.push(
      `provider faults: ${failedCreates} failed create replies, ${failedTasks} failed tasks; ` +
        `${fallbacks} scene(s) needed more than one attempt`,
      `worker exits without a kill: ${workers.reduce((n, w) => n + w.unexpectedExits, 0)}`,
      `search attributes: added by scene-video setup`,
    );
    const markers = workerSecrets(sandbox.apiKeys, s3);
    const leaks = [
      ...(await scanWorkflows(client, [...ids, projectWfId], markers)),
      ...workers.flatMap((w, i) => findSecrets(`worker ${i + 1}'s output`, w.output(), markers)),
    ];
    report.secrets += leaks.length;
    report.problems.push(...leaks);
    await concludeScenario(report, { client, sandbox, outcomes, stuck, storage: { endpoint: s3, prefix, videoBytes } });

    uiListed = await checkWebUi(cluster, ids, projectId, report.problems);
    report.figures.push(
      `Web UI ${cluster.ui.url}: ${uiListed}/${ids.length} scenes listed for ProjectId="${projectId}"`,
    );
  });

  printFigures(report);
  const total = Object.values(phases).reduce((a, b) => a + b, 0);
  console.log(
    `\n${formatTable(
      [
        'scenes',
        'worker kills',
        'database restarts',
        'completed',
        'duplicate paid tasks',
        'ambiguous creates (paid, unrecorded)',
        'missing/orphan objects',
        'listed in Web UI',
        ...Object.keys(phases).map((p) => `${p} (s)`),
        'wall time (s)',
      ],
      [
        [
          `${report.scenes}`,
          `${workers[0]!.kills + workers[1]!.kills}`,
          `${dbRestarts}`,
          `${report.completed}/${report.scenes}`,
          `${report.duplicates}`,
          `${report.ambiguousUnrecorded}`,
          `${report.missingOrOrphans}`,
          `${uiListed}/${ids.length}`,
          ...Object.values(phases).map(seconds),
          seconds(total),
        ],
      ],
    )}`,
  );
  return passed(report) && uiListed === ids.length ? 0 : 1;
}

/** `npm run build`, so the workers run dist/ exactly as a package would ship it. */
async function npmRunBuild(): Promise<void> {
  const build = spawn('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => build.on('close', resolve));
  if (code !== 0) throw new Error(`npm run build failed (exit ${code}); its errors are above`);
}

/** The search attributes the scene workflows upsert, added as an operator would: `scene-video setup` from the build. */
function setUpNamespace(cluster: Cluster): void {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_CONFIG_FILE: devNull,
    TEMPORAL_ADDRESS: cluster.temporal.address,
    TEMPORAL_NAMESPACE: cluster.temporal.namespace,
  };
  const setup = spawnSync(process.execPath, [bin, 'setup'], { env, encoding: 'utf8' });
  process.stdout.write(setup.stdout);
  process.stderr.write(setup.stderr);
  if (setup.status !== 0) throw new Error(`scene-video setup failed (exit ${setup.status})`);
  log('search attributes added by `node bin/scene-video.js setup`');
}

async function printProgress(client: Client, workflowId: string, began: number): Promise<void> {
  try {
    const { counts } = await getProjectProgress(client, workflowId);
    const shown = Object.entries(counts).filter(([, n]) => n > 0);
    log(`  ${seconds(Date.now() - began)} s: ${shown.map(([phase, n]) => `${phase} ${n}`).join(', ')}`);
  } catch (err) {
    log(`  ${seconds(Date.now() - began)} s: progress unavailable (${(err as Error).message.slice(0, 120)})`);
  }
}

/** The cluster's Web UI, filtered by the project, must list every scene; returns how many it listed. */
async function checkWebUi(cluster: Cluster, ids: string[], projectId: string, problems: string[]): Promise<number> {
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const { page, listed, missing } = await listRunsInUi(browser, {
      uiUrl: cluster.ui.url,
      namespace: cluster.temporal.namespace,
      query: `ProjectId="${projectId}" AND WorkflowType="${sceneWorkflowType}"`,
      workflowIds: ids,
      timeoutMs: 60_000,
    });
    await page.screenshot({ path: join(process.env.TMPDIR ?? '/tmp', 'scene-video-cluster-ui.png'), fullPage: true });
    problems.push(...missing.map((id) => `not listed in the Web UI: ${id}`));
    return listed.length;
  } catch (err) {
    problems.push(`Web UI check failed: ${(err as Error).message}`);
    return 0;
  } finally {
    await browser?.close();
  }
}

void main()
  .then(
    (code) => code,
    (err: unknown) => {
      // Cut short by Ctrl-C, the run fails wherever it was (a worker gone mid-start): that is no finding.
      if (interruptedBySignal) return 1;
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      // The SDK's errors keep the server's reason in the cause (e.g. a gRPC INVALID_ARGUMENT and its message).
      if (err instanceof Error && err.cause) console.error('caused by:', err.cause);
      return 1;
    },
  )
  .then(async (code) => {
    await tearDown();
    process.exit(code);
  });
