import { Client, Connection } from '@temporalio/client';
import { startSceneVideo } from '../../../src/client';
import type { ScenarioInput } from '../../../dev/sandbox';
import { faultCases, type FaultCase, type Route } from '../cases/fault-matrix';
import type { ChaosStack } from '../lib/chaos-stack';
import { startLane } from '../lib/lane';
import { collectOutcome, terminateStuck, waitForWorkflows, type SceneOutcome } from '../lib/outcomes';
import { auditPayments } from '../lib/payment-audit';
import { pool } from '../lib/pool';
import { addAudits, emptyReport, type ScenarioReport } from '../lib/report';
import { sandboxKey } from '../lib/sandbox-key';
import { chaosScene, input, runTag } from '../lib/scenes';
import { auditStorage } from '../lib/storage-audit';

export interface FaultMatrixOptions {
  /** Which provider goes first and takes the fault: every case once per API, or the APIs taking turns. */
  routes: 'both' | 'alternate';
  includeSlow: boolean;
  concurrency: number;
}

const videoBytes = 256 * 1024;
const apis: Route[] = ['runway', 'kling'];

interface CaseResult {
  label: string;
  outcome: SceneOutcome;
  problems: string[];
}

/** Every fault kind against the first provider of a two-provider chain, each in its own sandbox and worker. */
export async function faultMatrix(stack: ChaosStack, opts: FaultMatrixOptions): Promise<ScenarioReport> {
  const report = emptyReport('provider fault matrix');
  const tag = runTag('f');
  const runs = faultCases
    .filter((c) => opts.includeSlow || !c.slow)
    .flatMap((c, i) => {
      const routes = c.routes ?? apis;
      return (opts.routes === 'both' ? routes : [routes[i % routes.length]!]).map((route) => ({ c, route }));
    });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  try {
    const cases = await pool(runs, opts.concurrency, ({ c, route }, i) =>
      runCase(stack, client, c, route, `${tag}-${i}`, report),
    );
    report.scenes = cases.length;
    report.faults = cases.length;
    for (const r of cases) {
      if (r.problems.length === 0) report.completed++;
      report.problems.push(...r.problems.map((p) => `${r.label}: ${p}`));
      const first = r.outcome.attempts[0];
      report.figures.push(
        `${r.problems.length === 0 ? '✓' : '✗'} ${r.label}: ${r.outcome.status}` +
          (r.outcome.result ? ` by ${r.outcome.result.provider} after ${r.outcome.attempts.length} attempt(s)` : '') +
          (first?.error ? `; first attempt: ${first.error.slice(0, 140)}` : ''),
      );
    }
    return report;
  } finally {
    await connection.close();
  }
}

async function runCase(
  stack: ChaosStack,
  client: Client,
  c: FaultCase,
  route: Route,
  tag: string,
  report: ScenarioReport,
): Promise<CaseResult> {
  const fallback: Route = route === 'runway' ? 'kling' : 'runway';
  const key = sandboxKey(route);
  const faulty = { faults: c.faults, ...c.timing };
  const scenario: ScenarioInput = {
    videoBytes: c.videoBytes ?? videoBytes,
    default: { queueMs: 100, renderMs: 500, ...(c.everywhere ? faulty : {}) },
    models: c.everywhere ? {} : { [key]: faulty },
  };
  const label = `${c.name} [${route} first]`;
  const lane = await startLane(stack, { scenario });
  try {
    const scene = chaosScene(tag, 0, {
      sceneType: 'hook',
      aspectRatio: '16:9',
      preferredProvider: route,
      allowedProviders: [route, fallback],
      polling: { intervalMs: 200, providerDeadlineMs: c.providerDeadlineMs ?? 60_000 },
    });
    const { workflowId } = await startSceneVideo(client, input(scene), { taskQueue: lane.taskQueue });
    const stuck = await waitForWorkflows(client, [workflowId], c.slow ? 8 * 60_000 : 90_000);
    const outcome = await collectOutcome(client, workflowId, scene.tag, stuck.has(workflowId));
    await terminateStuck(client, stuck);
    const stats = lane.sandbox.stats();
    const problems = [
      ...expectationProblems(c, outcome, route, fallback),
      ...(c.check?.({ outcome, stats, key, route }) ?? []),
    ];
    const own = emptyReport(label);
    addAudits(
      own,
      [outcome],
      auditPayments([outcome], stats),
      await auditStorage(lane.s3, lane.bucket, lane.prefix, [outcome], c.videoBytes ?? videoBytes),
    );
    problems.push(...own.problems);
    report.duplicates += own.duplicates;
    report.ambiguousUnrecorded += own.ambiguousUnrecorded;
    report.figures.push(
      ...own.figures.filter((f) => f.includes('task unrecorded')).map((f) => `${label}: ${f.trim()}`),
    );
    report.missingOrOrphans += own.missingOrOrphans;
    report.stuck += own.stuck;
    return { label, outcome, problems };
  } finally {
    await lane.close();
  }
}

function expectationProblems(c: FaultCase, o: SceneOutcome, route: Route, fallback: Route): string[] {
  if (c.expect === 'failed') {
    const text = `${o.failure?.type}: ${o.failure?.message}`;
    if (o.status !== 'failed') return [`expected a failure, got ${o.status}`];
    return [
      ...(o.failure?.nonRetryable ? [] : ['the failure is retryable']),
      ...(c.reason?.test(text) ? [] : [`failure "${text.slice(0, 300)}" does not match ${c.reason}`]),
    ];
  }
  if (o.status !== 'completed' || !o.result) return [`expected a stored clip, got ${o.status}: ${o.failure?.message}`];
  const problems: string[] = [];
  if (!o.result.stored) problems.push(`clip not stored: ${o.result.warning}`);
  if (c.expect === 'same-provider') {
    if (o.result.provider !== route || o.attempts.length !== 1) {
      problems.push(
        `expected one successful ${route} attempt, got ${o.attempts.map((a) => `${a.provider}:${a.state}`).join(', ')}`,
      );
    }
    return problems;
  }
  const first = o.attempts[0];
  if (o.result.provider !== fallback || first?.provider !== route || first.state !== 'failed') {
    problems.push(
      `expected ${route} to fail then ${fallback} to deliver, got ${o.attempts.map((a) => `${a.provider}:${a.state}`).join(', ')}`,
    );
  } else if (!c.reason?.test(first.error ?? '')) {
    problems.push(`reason "${first.error}" does not match ${c.reason}`);
  }
  return problems;
}
