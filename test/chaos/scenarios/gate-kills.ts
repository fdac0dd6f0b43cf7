import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSceneVideo } from '../../../src/client';
import { gateState, type GateView } from '../../../src/contract/provider-gate';
import { providerGateWorkflowId } from '../../../src/contract/workflow-ids';
import { startSandbox } from '../../../dev/sandbox';
import type { ChaosStack } from '../lib/chaos-stack';
import { concludeScenario } from '../lib/conclude';
import { collectOutcomes, waitForWorkflows } from '../lib/outcomes';
import { emptyReport, tallyStored, type ScenarioReport } from '../lib/report';
import { sandboxKey } from '../lib/sandbox-key';
import { chaosScene, input, runTag } from '../lib/scenes';
import { WorkerSupervisor } from '../lib/worker-process';

export interface GateKillsOptions {
  scenes: number;
  /** Kling's maxInFlight (a catalogue override). */
  limit: number;
  renderMs: number;
  /** How many times the worker is killed while leases are held and scenes wait; each time it is down `downMs`. */
  kills: number;
  downMs: number;
  log?: (line: string) => void;
}

const provider = 'kling';
const videoBytes = 256 * 1024;

/**
 * The one worker process that runs the provider gate and its scenes is SIGKILLed while leases are held and scenes
 * wait, and comes back: every scene must still finish (no lease lost for good) and the sandbox must never see more
 * tasks in flight at once than the limit.
 */
export async function gateKills(stack: ChaosStack, opts: GateKillsOptions): Promise<ScenarioReport> {
  const log = opts.log ?? (() => undefined);
  const report = emptyReport('gate kills');
  const tag = runTag('g');
  const prefix = `chaos-${tag}`;
  const taskQueue = `chaos-${tag}`;
  const dir = mkdtempSync(join(tmpdir(), 'gate-kills-'));
  const catalogue = join(dir, 'catalogue.json');
  writeFileSync(catalogue, JSON.stringify({ overrides: { [provider]: { maxInFlight: opts.limit } } }));
  const sandbox = await startSandbox({
    scenario: { videoBytes, default: { queueMs: 0, renderMs: opts.renderMs } },
  });
  const worker = new WorkerSupervisor({
    stack,
    sandbox,
    taskQueue,
    s3Prefix: prefix,
    env: { SCENE_VIDEO_CATALOGUE: catalogue, PROVIDER_GATE_HOLDER_CHECK_SEC: '5' },
  });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  const gate = client.workflow.getHandle(providerGateWorkflowId(taskQueue, provider));
  const view = (): Promise<GateView | undefined> => gate.query(gateState).catch(() => undefined);
  try {
    await worker.start();
    const scenes = Array.from({ length: opts.scenes }, (_, i) =>
      chaosScene(tag, i, {
        allowedProviders: [provider],
        polling: { intervalMs: 500, providerDeadlineMs: 5 * 60_000 },
      }),
    );
    const ids: string[] = [];
    for (const scene of scenes) ids.push((await startSceneVideo(client, input(scene), { taskQueue })).workflowId);

    let grantedAtKill = 0;
    for (let k = 0; k < opts.kills; k++) {
      // Mid-lease: the limit's worth of leases held and scenes waiting behind them, a lease having changed hands since
      // the last restart.
      const deadline = Date.now() + 120_000;
      let at: GateView | undefined;
      for (;;) {
        at = await view();
        if (at && at.holders.length === opts.limit && at.waiters.length > 0 && at.granted > grantedAtKill) break;
        if (Date.now() > deadline) throw new Error(`kill ${k + 1}: the gate never had ${opts.limit} leases held`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await worker.kill();
      grantedAtKill = at.granted;
      report.faults++;
      const line =
        `kill ${k + 1}: ${at.holders.length} leases held, ${at.waiters.length} waiting, ${at.granted} granted so ` +
        `far; down ${opts.downMs / 1000} s`;
      report.figures.push(line);
      log(line);
      await new Promise((r) => setTimeout(r, opts.downMs));
      await worker.start();
    }

    const stuck = await waitForWorkflows(client, ids, 4 * 60_000);
    const outcomes = await collectOutcomes(client, scenes, ids, stuck);
    tallyStored(report, outcomes);
    const peak = sandbox.stats().maxConcurrentProcessing[sandboxKey(provider)] ?? 0;
    report.figures.push(`sandbox peak tasks in flight at ${provider}: ${peak} (limit ${opts.limit})`);
    if (peak > opts.limit) report.problems.push(`the limit was exceeded: ${peak} tasks in flight at once`);
    const created = sandbox.stats().tasksCreated[sandboxKey(provider)] ?? 0;
    report.figures.push(`${provider} tasks created: ${created} for ${opts.scenes} scenes`);
    const end = await view();
    report.figures.push(
      `gate at the end: ${end?.holders.length} held, ${end?.waiters.length} waiting, ${end?.granted} granted`,
    );
    if (!end || end.holders.length > 0 || end.waiters.length > 0)
      report.problems.push(`the gate still holds leases after every scene ended: ${JSON.stringify(end?.holders)}`);
    return await concludeScenario(report, {
      client,
      sandbox,
      outcomes,
      stuck,
      storage: { endpoint: stack.s3, prefix, videoBytes },
    });
  } finally {
    await worker.stop();
    await gate.terminate('chaos run over').catch(() => undefined);
    await connection.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
