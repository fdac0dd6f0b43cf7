import { Client, Connection } from '@temporalio/client';
import { startSceneVideo } from '../../../src/client';
import { gateState, type CircuitState } from '../../../src/contract/provider-gate';
import type { AttemptProgress } from '../../../src/contract/scene-workflow';
import { providerGateWorkflowId } from '../../../src/contract/workflow-ids';
import { startSandbox, type ScenarioInput } from '../../../dev/sandbox';
import type { ChaosStack } from '../lib/chaos-stack';
import { concludeScenario } from '../lib/conclude';
import { collectOutcomes, promptTag, waitForWorkflows, type SceneOutcome } from '../lib/outcomes';
import { emptyReport, tallyStored, type ScenarioReport } from '../lib/report';
import { sandboxKey } from '../lib/sandbox-key';
import { chaosScene, input, runTag } from '../lib/scenes';
import { WorkerSupervisor } from '../lib/worker-process';

export interface ProviderOutageOptions {
  /** How long the provider refuses every create with a 503. */
  outageMs: number;
  /** Scenes keep arriving this long after the outage ends, to meet the probe after the cooldown. */
  afterMs: number;
  /** One new scene every `arrivalMs`. */
  arrivalMs: number;
  log?: (line: string) => void;
}

/** Ranked first for hook scenes, ahead of Kling: every scene tries it first unless it is skipped. */
const provider = 'runway';
const videoBytes = 256 * 1024;
const quick: ScenarioInput = { videoBytes, default: { queueMs: 0, renderMs: 1_000 } };

/**
 * A provider fails every create for a while as scenes keep arriving, then recovers: the same arrivals with the
 * circuit breaker off (what every scene did before it) and on (the worker's defaults), side by side. Every scene must
 * still store its clip (through the next provider); with the breaker on, the circuit opens after its threshold, scenes
 * skip the provider, and after the cooldown one probe closes it again.
 */
export async function providerOutage(stack: ChaosStack, opts: ProviderOutageOptions): Promise<ScenarioReport> {
  const report = emptyReport('provider outage');
  const [off, on] = await Promise.all([
    outageRun(stack, opts, 'off', { PROVIDER_BREAKER_FAILURES: '0' }),
    outageRun(stack, opts, 'on', {}),
  ]);
  for (const run of [off, on]) {
    report.scenes += run.report.scenes;
    report.completed += run.report.completed;
    report.faults += run.report.faults;
    report.stuck += run.report.stuck;
    report.duplicates += run.report.duplicates;
    report.ambiguousUnrecorded += run.report.ambiguousUnrecorded;
    report.missingOrOrphans += run.report.missingOrOrphans;
    report.problems.push(...run.report.problems.map((p) => `breaker ${run.label}: ${p}`));
    report.figures.push(...run.report.figures.map((f) => `breaker ${run.label}: ${f}`));
  }
  if (on.attemptsWhileOpen > 0)
    report.problems.push(`breaker on: ${on.attemptsWhileOpen} attempts went to ${provider} while its circuit was open`);
  if (on.failedDuringOutage >= off.failedDuringOutage)
    report.problems.push('breaker on: the breaker saved no failed attempt');
  if (!on.closedAgain) report.problems.push(`breaker on: the ${provider} circuit did not close after the outage`);
  return report;
}

interface OutageRun {
  label: string;
  report: ScenarioReport;
  failedDuringOutage: number;
  attemptsWhileOpen: number;
  closedAgain: boolean;
}

async function outageRun(
  stack: ChaosStack,
  opts: ProviderOutageOptions,
  label: 'on' | 'off',
  env: Record<string, string>,
): Promise<OutageRun> {
  const log = (line: string) => opts.log?.(`[breaker ${label}] ${line}`);
  const report = emptyReport(`breaker ${label}`);
  const tag = runTag(`p${label}`);
  const prefix = `chaos-${tag}`;
  const taskQueue = `chaos-${tag}`;
  const down: ScenarioInput = {
    ...quick,
    models: { [sandboxKey(provider)]: { faults: [{ kind: 'create_5xx', status: 503 }] } },
  };
  const sandbox = await startSandbox({ scenario: down });
  const worker = new WorkerSupervisor({ stack, sandbox, taskQueue, s3Prefix: prefix, env });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  const gate = client.workflow.getHandle(providerGateWorkflowId(taskQueue, provider));
  try {
    await worker.start();
    const t0 = Date.now();
    const at = (ms: number) => `${((ms - t0) / 1000).toFixed(1)} s`;
    report.faults = 1;

    // The circuit as the gate tells it, every 250 ms: when it opened, went half-open and closed.
    const transitions: { at: number; circuit: CircuitState }[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const circuit = await gate
          .query(gateState)
          .then((v) => v.circuit)
          .catch(() => undefined);
        const last = transitions.at(-1)?.circuit.state ?? 'closed';
        if (circuit && circuit.state !== last) {
          transitions.push({ at: Date.now(), circuit });
          log(`${at(Date.now())}: circuit ${circuit.state}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const scenes: ReturnType<typeof chaosScene>[] = [];
    const ids: string[] = [];
    let recoveredAt = 0;
    for (let i = 0; Date.now() - t0 < opts.outageMs + opts.afterMs; i++) {
      if (!recoveredAt && Date.now() - t0 >= opts.outageMs) {
        sandbox.setScenario(quick);
        recoveredAt = Date.now();
        log(`${at(recoveredAt)}: ${provider} recovered`);
      }
      const base = chaosScene(tag, i);
      const scene = { ...base, sceneType: 'hook' as const, aspectRatio: '16:9' as const };
      scene.prompt = `Opening shot over a city skyline at dawn ${promptTag(base.tag)}`;
      scenes.push(scene);
      ids.push((await startSceneVideo(client, input(scene), { taskQueue })).workflowId);
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + (i + 1) * opts.arrivalMs - Date.now())));
    }
    const stuck = await waitForWorkflows(client, ids, 3 * 60_000);
    watching = false;
    await watcher;
    const outcomes = await collectOutcomes(client, scenes, ids, stuck);
    tallyStored(report, outcomes);

    const tried = runwayAttempts(outcomes).filter((a) => a.state !== 'skipped');
    const skipped = runwayAttempts(outcomes).filter((a) => a.state === 'skipped');
    const failed = tried.filter((a) => a.state === 'failed');
    const during = (a: AttemptProgress) => Date.parse(a.startedAt) < recoveredAt;
    const openedAt = transitions.find((t) => t.circuit.state === 'open')?.at;
    const failedDuringOutage = failed.filter(during).length;
    const creates = Object.values(sandbox.stats().requests['POST /v1/text_to_video'] ?? {}).reduce((a, b) => a + b, 0);
    report.figures.push(
      `${scenes.length} hook scenes, one every ${opts.arrivalMs / 1000} s; ${provider} refused every create for ` +
        `${opts.outageMs / 1000} s`,
      `${provider} attempts during the outage: ${tried.filter(during).length} (${failedDuringOutage} failed), ` +
        `skipped ${skipped.filter(during).length}; after it: ${tried.filter((a) => !during(a)).length} attempts ` +
        `(${tried.filter((a) => !during(a) && a.state === 'failed').length} failed), skipped ` +
        `${skipped.filter((a) => !during(a)).length}; HTTP creates to ${provider}: ${creates}`,
    );
    let attemptsWhileOpen = 0;
    if (label === 'on') {
      if (openedAt === undefined) report.problems.push('the circuit never opened');
      else {
        const before = failed.filter((a) => Date.parse(a.startedAt) < openedAt).length;
        // Each time it opened (as sampled every 250 ms: a scene that read it closed just before may start its
        // attempt a moment after) until its cooldown ends, no attempt may start; from then, one probe until it ends.
        const opens = transitions.flatMap((t) => (t.circuit.state === 'open' ? [{ at: t.at, ...t.circuit }] : []));
        const later = tried.filter((a) => Date.parse(a.startedAt) >= openedAt);
        const start = (a: AttemptProgress) => Date.parse(a.startedAt);
        attemptsWhileOpen = later.filter((a) =>
          opens.some((o) => start(a) >= o.at + 1_000 && start(a) < o.until),
        ).length;
        const probes = opens.map((o, i) => {
          const next = opens[i + 1]?.at ?? Infinity;
          const window = later
            .filter((a) => start(a) >= o.until && start(a) < next)
            .sort((a, b) => start(a) - start(b));
          const probe = window[0];
          const beside = window.filter((a) => a !== probe && start(a) < Date.parse(probe?.endedAt ?? '')).length;
          if (beside > 0) report.problems.push(`${beside} attempts went while a probe was deciding`);
          return probe ? `${probe.state} at ${at(start(probe))}` : 'none';
        });
        report.figures.push(
          `circuit opened at ${at(openedAt)}: ${before} failed ${provider} attempts before it opened, ` +
            `${later.length} attempts after; the probe after each cooldown: ${probes.join(', ')}`,
          `circuit: ${transitions.map((t) => `${t.circuit.state} at ${at(t.at)}`).join(', ')}`,
        );
      }
    }
    const fallbackMs = outcomes
      .filter((o) => o.status === 'completed' && o.attempts.length > 0)
      .map((o) => Date.parse(o.attempts.at(-1)!.startedAt) - Date.parse(o.attempts[0]!.startedAt));
    fallbackMs.sort((a, b) => a - b);
    report.figures.push(
      `first attempt → delivering attempt's start, median ${fallbackMs[Math.floor(fallbackMs.length / 2)]} ms, ` +
        `max ${fallbackMs.at(-1)} ms`,
    );
    const closedAgain = label === 'off' || transitions.at(-1)?.circuit.state === 'closed';
    await concludeScenario(report, {
      client,
      sandbox,
      outcomes,
      stuck,
      storage: { endpoint: stack.s3, prefix, videoBytes },
    });
    return { label, report, failedDuringOutage, attemptsWhileOpen, closedAgain };
  } finally {
    await worker.stop();
    await gate.terminate('chaos run over').catch(() => undefined);
    await connection.close();
    await sandbox.close();
  }
}

function runwayAttempts(outcomes: SceneOutcome[]): AttemptProgress[] {
  return outcomes.flatMap((o) => o.attempts).filter((a) => a.provider === provider);
}
