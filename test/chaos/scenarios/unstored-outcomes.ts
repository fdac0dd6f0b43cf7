import { Client, Connection } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startSceneVideo } from '../../../src/client';
import { startSandbox, type Sandbox } from '../../../dev/sandbox';
import { freePort } from '../../../dev/stack/free-port';
import { searchAttributes } from '../../../src/contract/search-attributes';
import { cliFromSource } from '../../../dev/harness/cli-source';
import { workerEnv } from '../../../dev/harness/worker-env';
import { spawnWorkerProcess } from '../../../dev/harness/worker-process';
import type { ChaosStack } from '../lib/chaos-stack';
import { concludeScenario } from '../lib/conclude';
import { collectOutcomes, waitForWorkflows } from '../lib/outcomes';
import { emptyReport, type ScenarioReport } from '../lib/report';
import { chaosScene, input, runTag } from '../lib/scenes';
import type { StorageControl } from '../lib/storage-control';
import { WorkerSupervisor } from '../lib/worker-process';

export interface UnstoredOutcomesOptions {
  scenes: number;
}

const root = join(__dirname, '..', '..', '..');

/**
 * Storage that cannot work, at both moments it can be found out. At worker start (wrong credentials, missing bucket,
 * unreachable endpoint) the worker must refuse to start with one line naming the problem. After start (S3 goes away
 * and stays away past the upload's retries) every scene must end "generated but not stored": COMPLETED with
 * stored: false, VideoStatus `unstored`, its cost recorded, the provider URL and a warning in the result, and the CLI
 * exiting 4, never as a success; nothing may be left in the bucket.
 */
export async function unstoredOutcomes(
  stack: ChaosStack,
  storage: StorageControl,
  opts: UnstoredOutcomesOptions,
): Promise<ScenarioReport> {
  const report = emptyReport('unstored outcomes');
  const tag = runTag('u');
  const prefix = `chaos-${tag}`;
  const taskQueue = `chaos-${tag}`;
  const videoBytes = 1024 * 1024;
  const sandbox = await startSandbox({ scenario: { videoBytes, default: { queueMs: 200, renderMs: 3_000 } } });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  const worker = new WorkerSupervisor({ stack, sandbox, taskQueue, s3Prefix: prefix, s3: storage.endpoint() });
  try {
    await refusedStarts(stack, storage, sandbox, report);

    await worker.start();
    const scenes = Array.from({ length: opts.scenes }, (_, i) => chaosScene(tag, i));
    const ids: string[] = [];
    for (const scene of scenes) ids.push((await startSceneVideo(client, input(scene), { taskQueue })).workflowId);
    // S3 goes away while the providers render, and stays away until every scene has closed.
    await storage.stop();
    report.faults++;
    const started = Date.now();
    const stuck = await waitForWorkflows(client, ids, 6 * 60_000);
    report.figures.push(`S3 down for ${((Date.now() - started) / 1000).toFixed(0)} s, until every scene closed`);
    await storage.start();

    const outcomes = await collectOutcomes(client, scenes, ids, stuck);
    report.scenes += outcomes.length;
    let usd = 0;
    let unstored = 0;
    for (const o of outcomes) {
      if (o.status === 'stuck') continue;
      const problems: string[] = [];
      const d = await client.workflow.getHandle(o.workflowId).describe();
      const videoStatus = d.typedSearchAttributes.get(searchAttributes.videoStatus);
      const costUsd = d.typedSearchAttributes.get(searchAttributes.costUsd);
      const r = o.result;
      if (o.status !== 'completed' || !r) problems.push(`ended ${o.status}: ${o.failure?.message}`);
      else {
        if (r.stored) problems.push('stored, though S3 was down');
        if (!r.providerVideoUrl.startsWith(sandbox.origin)) problems.push(`no provider URL (${r.providerVideoUrl})`);
        if (!r.warning?.startsWith('generated but not stored')) problems.push(`no warning (${r.warning})`);
        if (costUsd !== r.totalCostUsd || !(r.totalCostUsd > 0))
          problems.push(`CostUsd ${costUsd} for a paid clip of $${r.totalCostUsd}`);
      }
      if (videoStatus !== 'unstored') problems.push(`VideoStatus ${videoStatus}`);
      const cli = await runProcess(
        [...cliFromSource, 'status', o.workflowId, '--watch', '--json'],
        { PATH: process.env.PATH, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_NAMESPACE: stack.namespace },
        60_000,
      );
      if (cli.code !== 4) problems.push(`scene-video status --watch exited ${cli.code}, not 4`);
      usd += costUsd ?? 0;
      if (problems.length > 0) report.problems.push(`${o.workflowId}: ${problems.join('; ')}`);
      else {
        report.completed++;
        unstored++;
      }
    }
    report.figures.push(
      `${unstored}/${outcomes.length} scene(s) ended unstored (VideoStatus unstored, CLI exit 4), CostUsd $${usd.toFixed(4)} in all`,
    );
    return await concludeScenario(report, {
      client,
      sandbox,
      outcomes,
      stuck,
      storage: { endpoint: storage.endpoint(), prefix, videoBytes },
    });
  } finally {
    await worker.stop();
    await connection.close();
    await sandbox.close();
  }
}

/** Three workers that must not start, each counted as a case: one line on stderr names the problem. */
async function refusedStarts(
  stack: ChaosStack,
  storage: StorageControl,
  sandbox: Sandbox,
  report: ScenarioReport,
): Promise<void> {
  const s3 = storage.endpoint();
  const cases: [string, NodeJS.ProcessEnv, RegExp][] = [
    [
      'wrong credentials',
      { S3_SECRET_ACCESS_KEY: 'wrong-secret-for-chaos' },
      /refused this worker's credentials \(403/,
    ],
    ['missing bucket', { S3_BUCKET: 'chaos-no-such-bucket' }, /does not exist \(404\)/],
    [
      'unreachable endpoint',
      { S3_ENDPOINT: `http://127.0.0.1:${await freePort()}` },
      /is unreachable \(ECONNREFUSED\)/,
    ],
  ];
  for (const [name, overrides, expected] of cases) {
    report.scenes++;
    report.faults++;
    const env = {
      ...workerEnv({ ...stack, s3 }, sandbox, { taskQueue: `chaos-refused-${name.replace(/ /g, '-')}` }),
      ...overrides,
    };
    const started = Date.now();
    const worker = spawnWorkerProcess({ env });
    const giveUp = setTimeout(() => void worker.stop(), 60_000);
    await worker.exited;
    clearTimeout(giveUp);
    const run = { code: worker.exitCode, output: worker.output() };
    const lines = run.output.split('\n').filter((l) => l.startsWith('Storage check failed'));
    const ok =
      run.code === 1 && lines.length === 1 && expected.test(lines[0]!) && !run.output.includes(s3.secretAccessKey);
    report.figures.push(
      `worker start, ${name}: exit ${run.code} after ${Date.now() - started} ms: ${lines[0] ?? '(no line)'}`,
    );
    if (ok) report.completed++;
    else report.problems.push(`worker start with ${name}: exit ${run.code}, output: ${run.output.slice(-400)}`);
  }
}

/** A node process (the CLI) with only `env`; stopped after `withinMs`. */
function runProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  withinMs: number,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGTERM'), withinMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
