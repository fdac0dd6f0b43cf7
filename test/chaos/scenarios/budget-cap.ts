import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { startProjectVideos, startSceneVideo, waitForProjectVideos, waitForSceneVideo } from '../../../src/client';
import { defaultCatalogue } from '../../../src/config/catalogue';
import type { ScenarioInput } from '../../../dev/sandbox';
import type { SceneProgress, SceneVideoResult } from '../../../src/contract/scene-workflow';
import type { ProjectResult } from '../../../src/contract/project-workflow';
import { sandboxBilledUsd } from '../../helpers/sandbox-billing';
import type { ChaosStack } from '../lib/chaos-stack';
import { startLane } from '../lib/lane';
import { emptyReport, type ScenarioReport } from '../lib/report';
import { runTag } from '../lib/scenes';

/**
 * A budget is a cap on what providers bill. `default`: the sandbox bills the published prices (Runway gen4.5 12
 * credits/s, Kling $0.04/s, Luma $0.20 and Hunyuan $0.09 a clip, Hailuo $0.045/s, Veo $0.12/s). `catalogue`: it bills
 * exactly the catalogue estimates. `over`: Kling bills $0.60 a clip, above the catalogue's worst case for 10 s ($0.40).
 */
export type Billing = 'default' | 'catalogue' | 'over';

export interface BudgetCase {
  name: string;
  billing: Billing;
  budgetUsd: number;
  /** A project of `scenes` 10 s 16:9 hook scenes (Runway ranked first) under `budgetUsd`… */
  project?: { scenes: number; maxConcurrentScenes: number };
  /** …or one such scene with `maxCostUsd: budgetUsd`. */
  prompt?: string;
}

export interface BudgetCaseResult {
  case: BudgetCase;
  billedUsd: number;
  /** What the workflow says it spent. */
  reportedUsd: number;
  project?: ProjectResult;
  scene?: SceneVideoResult;
  sceneFailure?: ApplicationFailure;
  /** Scene progress attached to a failed scene. */
  sceneProgress?: SceneProgress;
}

function scenario(billing: Billing): ScenarioInput {
  const models: NonNullable<ScenarioInput['models']> = {};
  if (billing === 'catalogue')
    for (const p of defaultCatalogue)
      models[`${p.route}:${p.model}`] = {
        // Runway bills credits ($0.01), PiAPI dollars.
        price: { perSec: p.route === 'runway' ? Math.round(p.costPerSecondUsd * 100 * 1e6) / 1e6 : p.costPerSecondUsd },
      };
  if (billing === 'over') models['piapi:kling'] = { price: { perTask: 0.6 } };
  return { default: { queueMs: 50, renderMs: 300 }, models };
}

const hookScene = (sceneId: string, prompt = 'Opening shot over a city skyline at dawn') => ({
  sceneId,
  sceneType: 'hook',
  prompt,
  durationSec: 10,
  aspectRatio: '16:9' as const,
});

const polling = { intervalMs: 200, providerDeadlineMs: 60_000 };

export async function runBudgetCase(stack: ChaosStack, client: Client, c: BudgetCase): Promise<BudgetCaseResult> {
  const lane = await startLane(stack, { scenario: scenario(c.billing) });
  const tag = runTag('bc');
  /** The case's result once its run has ended: what the sandbox billed, against what the workflow reports. */
  const ended = async (
    reportedUsd: number,
    run: Omit<BudgetCaseResult, 'case' | 'billedUsd' | 'reportedUsd'>,
  ): Promise<BudgetCaseResult> => ({
    case: c,
    billedUsd: await sandboxBilledUsd(lane.sandbox),
    reportedUsd,
    ...run,
  });
  try {
    if (c.project) {
      const project = {
        projectId: `${tag}-${c.name.replace(/[^A-Za-z0-9]+/g, '-')}`.slice(0, 64),
        budgetUsd: c.budgetUsd,
        maxConcurrentScenes: c.project.maxConcurrentScenes,
        polling,
        scenes: Array.from({ length: c.project.scenes }, (_, i) => hookScene(`s${i}`, c.prompt)),
      };
      const { workflowId } = await startProjectVideos(client, project, { taskQueue: lane.taskQueue });
      const result = await waitForProjectVideos(client, workflowId);
      return await ended(result.totalCostUsd, { project: result });
    }
    const scene = { ...hookScene(`${tag}-solo`, c.prompt), projectId: tag, maxCostUsd: c.budgetUsd, polling };
    const { workflowId } = await startSceneVideo(client, scene, { taskQueue: lane.taskQueue });
    try {
      const result = await waitForSceneVideo(client, workflowId);
      return await ended(result.totalCostUsd, { scene: result });
    } catch (err) {
      const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
      if (!(cause instanceof ApplicationFailure)) throw err;
      const progress = cause.details?.[0] as SceneProgress | undefined;
      return await ended(progress?.totalCostUsd ?? 0, { sceneFailure: cause, sceneProgress: progress });
    }
  } finally {
    await lane.close();
  }
}

/** Every way a case did not end as documented: billed above the budget, a figure that does not reconcile, a silent skip. */
export function budgetProblems(r: BudgetCaseResult): string[] {
  const problems: string[] = [];
  const { budgetUsd } = r.case;
  if (r.billedUsd > budgetUsd + 1e-9) problems.push(`billed $${r.billedUsd} over the budget $${budgetUsd}`);
  if (Math.abs(r.billedUsd - r.reportedUsd) > 1e-6)
    problems.push(`the workflow reports $${r.reportedUsd} spent, the providers billed $${r.billedUsd}`);
  if (r.project) {
    for (const s of r.project.scenes.filter((s) => s.phase !== 'succeeded'))
      if (!s.budget || !s.error?.startsWith('budget:'))
        problems.push(`scene ${s.sceneId} ${s.phase} without a budget reason: ${s.error ?? ''}`);
    if (r.project.counts.succeeded === 0) problems.push('no scene succeeded');
    if (r.case.billing === 'over' && !r.project.budget?.stopped) problems.push('an overrun did not stop the project');
  } else if (r.sceneFailure && r.sceneFailure.type !== 'BudgetExhausted') {
    problems.push(`scene failed with ${r.sceneFailure.type}: ${r.sceneFailure.message}`);
  }
  return problems;
}

export function describeBudgetCase(r: BudgetCaseResult): string {
  const counts = r.project
    ? `${r.project.counts.succeeded} succeeded, ${r.project.counts.skipped} skipped, ${r.project.counts.failed} failed`
    : r.scene
      ? `succeeded on ${r.scene.provider}`
      : `failed: ${r.sceneFailure?.type}`;
  return `${r.case.name}: billed $${r.billedUsd.toFixed(2)} vs budget $${r.case.budgetUsd.toFixed(2)} (${counts})`;
}

export function budgetCases(opts: { full: boolean }): BudgetCase[] {
  const project = (maxConcurrentScenes: number) => ({ scenes: 12, maxConcurrentScenes });
  const all: BudgetCase[] = [
    {
      name: 'project $1, 12 × 10 s hook, 4 at once, default billing',
      billing: 'default',
      budgetUsd: 1,
      project: project(4),
    },
    { name: 'scene maxCostUsd $1, 10 s hook, default billing', billing: 'default', budgetUsd: 1 },
    {
      name: 'project $1, 12 × 10 s hook, 1 at once, default billing',
      billing: 'default',
      budgetUsd: 1,
      project: project(1),
    },
    {
      name: 'project $1, 12 × 10 s hook, 4 at once, catalogue billing',
      billing: 'catalogue',
      budgetUsd: 1,
      project: project(4),
    },
    {
      name: 'project $1, 12 × 10 s hook, 1 at once, catalogue billing',
      billing: 'catalogue',
      budgetUsd: 1,
      project: project(1),
    },
    { name: 'scene maxCostUsd $1, 10 s hook, catalogue billing', billing: 'catalogue', budgetUsd: 1 },
    {
      name: 'project $1, 6 × 10 s hook, Kling bills above its worst case',
      billing: 'over',
      budgetUsd: 1,
      project: { scenes: 6, maxConcurrentScenes: 1 },
    },
  ];
  return opts.full ? all : all.slice(0, 2);
}

/** `budget-cap`: projects and scenes under a budget end with what providers billed at or under it. */
export async function budgetCap(stack: ChaosStack, opts: { full: boolean }): Promise<ScenarioReport> {
  const report = emptyReport('budget cap');
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  try {
    for (const c of budgetCases(opts)) {
      const r = await runBudgetCase(stack, client, c);
      const problems = budgetProblems(r);
      report.scenes += c.project?.scenes ?? 1;
      report.faults += c.billing === 'over' ? 1 : 0;
      if (problems.length === 0) report.completed += c.project?.scenes ?? 1;
      report.figures.push(`${problems.length === 0 ? '✓' : '✗'} ${describeBudgetCase(r)}`);
      report.problems.push(...problems.map((p) => `${c.name}: ${p}`));
    }
    return report;
  } finally {
    await connection.close();
  }
}
