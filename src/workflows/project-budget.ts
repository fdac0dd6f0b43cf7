import { log } from '@temporalio/workflow';
import type { ValidProjectInput, ValidProjectScene } from '../contract/project-input';
import type { ProjectSceneStatus } from '../contract/project-workflow';
import { attachNeed, ProjectBudget, type SceneNeed } from '../domain/budget';
import { EstimateReservations } from '../domain/project-budget-estimates';
import type { ScenePlan } from '../domain/project-plan';
import type { FoundSceneRun } from '../activities/find-scene-runs';
import { waitUnlessCancelled } from './project-cancel';
import type { ProjectRelease } from './project-release';

/** What a scene starts with: its child's `maxCostUsd` (none: uncapped, or attached to a run that had succeeded). */
export type Allowance = { maxCostUsd?: number };

/** 'skipped' for budget (the scene's row says why); 'cancelled' when the project was cancelled while it waited. */
export type Admission = Allowance | 'skipped' | 'cancelled';

/** How a project's budget admits its scenes and takes back what each set aside when it ends. */
export interface SceneAdmissions {
  /** The hard-cap ledger (runs since the budget became a cap): a run found late is decided against it too. */
  ledger?: ProjectBudget;
  /** A promise only when the scene may have to wait for money. */
  admit(
    scene: ValidProjectScene,
    plan: ScenePlan,
    existing: FoundSceneRun | undefined,
    status: ProjectSceneStatus,
  ): Admission | Promise<Admission>;
  /** The scene starts: its allowance is set aside; the function returned takes its charge when it ends. */
  start(
    scene: ValidProjectScene,
    plan: ScenePlan,
    allowance: Allowance,
    status: ProjectSceneStatus,
  ): (chargedUsd: number | undefined) => void;
}

/**
 * A hard cap on what is billed, in runs since `project-budget-worst-case` with a budget; cheapest estimates in older
 * runs and in projects without a budget. `costUsd` is what the project's scenes cost so far.
 */
export function sceneAdmissions(
  project: ValidProjectInput,
  release: ProjectRelease,
  costUsd: () => number,
): SceneAdmissions {
  return project.budgetUsd !== undefined && release.budgetIsCap
    ? hardCap(new ProjectBudget(project.budgetUsd), release, project.projectId)
    : cheapestEstimates(new EstimateReservations(project.budgetUsd), costUsd, project.projectId);
}

function hardCap(ledger: ProjectBudget, release: ProjectRelease, projectId: string): SceneAdmissions {
  return {
    ledger,
    admit: (scene, plan, existing, status) => {
      // A scene that had already succeeded is held at its cost from the start (holdPrior).
      if (existing?.kind === 'succeeded') return {};
      const need = existing?.kind === 'running' ? attachNeed(scene, existing) : plan.need;
      return allowanceFor(ledger, need, status, release, projectId);
    },
    start: (scene, _plan, { maxCostUsd }, status) => {
      if (maxCostUsd !== undefined) {
        ledger.reserve(scene.sceneId, maxCostUsd);
        status.allowanceUsd = maxCostUsd;
      }
      return (chargedUsd) => {
        const overrun = ledger.settle(scene.sceneId, chargedUsd);
        if (overrun === undefined) return;
        Object.assign(status, { budget: 'stopped', error: status.error ? `${status.error}; ${overrun}` : overrun });
        log.warn(`Scene ${scene.sceneId}: ${overrun}`, { projectId, sceneId: scene.sceneId });
      };
    },
  };
}

function cheapestEstimates(
  reservations: EstimateReservations,
  costUsd: () => number,
  projectId: string,
): SceneAdmissions {
  return {
    admit: (scene, plan, _existing, status) => {
      const decision = reservations.decide(plan.cheapestEstimateUsd, costUsd(), scene.maxCostUsd);
      if (decision.kind === 'start') return { maxCostUsd: decision.maxCostUsd };
      Object.assign(status, { phase: 'skipped', error: decision.reason });
      log.info(`Skipping scene ${scene.sceneId}: ${decision.reason}`, { projectId, sceneId: scene.sceneId });
      return 'skipped';
    },
    start: (_scene, plan) => {
      reservations.reserve(plan.cheapestEstimateUsd);
      return () => reservations.release(plan.cheapestEstimateUsd);
    },
  };
}

/**
 * The allowance the scene starts with, once the budget can cover it; 'skipped' when nothing running can free enough
 * money, 'cancelled' when the project is cancelled while the scene waits for money.
 */
export async function allowanceFor(
  ledger: ProjectBudget,
  need: SceneNeed,
  status: ProjectSceneStatus,
  release: ProjectRelease,
  projectId: string,
): Promise<{ maxCostUsd: number } | 'skipped' | 'cancelled'> {
  for (;;) {
    const decision = ledger.decide(need);
    if (decision.kind === 'start') {
      delete status.error;
      return { maxCostUsd: decision.grantUsd };
    }
    status.error = decision.reason;
    if (decision.kind === 'skip') {
      Object.assign(status, { phase: 'skipped', budget: 'skipped' });
      log.info(`Skipping scene ${need.sceneId}: ${decision.reason}`, { projectId, sceneId: need.sceneId });
      return 'skipped';
    }
    const seen = ledger.settlements;
    if (!(await waitUnlessCancelled(release.cancelScenes, () => ledger.settlements !== seen))) return 'cancelled';
  }
}
