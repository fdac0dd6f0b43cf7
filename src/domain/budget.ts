import type { ProjectBudgetSummary } from '../contract/project-workflow';
import { roundUsd } from './pricing';

/**
 * Budgets as hard caps, against what providers bill. Every paid attempt is bounded by its worst case (the catalogue's
 * `maxCostPerSecondUsd` at the duration asked for); an attempt starts only when that worst case fits in what is left
 * after everything already charged and every running attempt's worst case. Pure: runs in workflow code.
 */

/** The patch a scene run records when it holds its `maxCostUsd` as a hard cap on worst cases. */
export const sceneBudgetCapPatch = 'scene-budget-worst-case';

const usd = (n: number) => `$${n.toFixed(4)}`;

/** Why a scene may not start an attempt whose worst case is `worstCaseUsd`, or undefined when it may. */
export function attemptSkipReason(worstCaseUsd: number, chargedUsd: number, maxCostUsd: number): string | undefined {
  if (roundUsd(chargedUsd + worstCaseUsd) <= maxCostUsd) return undefined;
  return `budget: worst case ${usd(worstCaseUsd)} would exceed the budget ($${maxCostUsd} with $${chargedUsd} spent)`;
}

/** Said when a provider billed more than the worst case reserved for the attempt: the scene stops there. */
export function overrunNote(billedUsd: number, worstCaseUsd: number): string | undefined {
  if (billedUsd <= worstCaseUsd) return undefined;
  return `budget: billed ${usd(billedUsd)}, above the worst case ${usd(worstCaseUsd)} reserved for this attempt; the catalogue's maxCostPerSecondUsd for this provider is too low`;
}

/** One scene as the project sees it: what it may spend and what each of its planned providers could bill. */
export interface SceneNeed {
  sceneId: string;
  /** The scene's own `maxCostUsd`. */
  capUsd?: number;
  /** In the scene's plan order. */
  options: { provider: string; worstCaseUsd: number }[];
  /** Set when the scene already runs (started outside this project run): attach to it rather than start a child. */
  attached?: AttachedRun;
}

/** A run of the scene that was going before this project run reached it, as `findSceneRuns` found it. */
export interface AttachedRun {
  workflowId: string;
  spentUsd: number;
  /** What it may end up costing (spent plus what it may still bill); undefined when nothing bounds it. */
  exposureUsd?: number;
  /** How the exposure was figured. */
  basis: string;
}

/** A scene that already runs: the ledger must hold what that run may still bill, not this project's plan for it. */
export function attachNeed(scene: { sceneId: string; maxCostUsd?: number }, run: AttachedRun): SceneNeed {
  return { sceneId: scene.sceneId, capUsd: scene.maxCostUsd, options: [], attached: run };
}

export type BudgetDecision =
  | { kind: 'start'; grantUsd: number; provider: string }
  | { kind: 'wait'; reason: string }
  | { kind: 'skip'; reason: string };

/**
 * The project's ledger. A scene starts with an allowance (its child's `maxCostUsd`): the worst case of the
 * best-ranked provider that fits in what is left, so other scenes can run beside it; the child can fall back only to
 * providers that fit in that allowance. When the scene ends its actual charge replaces the allowance and the rest
 * comes back. A scene that fits nowhere now waits while running scenes could free enough, and is skipped otherwise.
 */
export class ProjectBudget {
  private readonly grants = new Map<string, number>();
  /** Scenes that had succeeded before this run: held at their cost, settled without an overrun check. */
  private readonly priors = new Set<string>();
  private priorUsd = 0;
  private settledUsd = 0;
  private stopReason?: string;
  /** Bumped whenever money comes back, so a waiting scene knows when to look again. */
  settlements = 0;

  constructor(readonly budgetUsd: number) {}

  get reservedUsd(): number {
    return roundUsd([...this.grants.values()].reduce((a, b) => a + b, 0));
  }

  /** What running scenes hold and may give back when they end (a prior scene's hold is money already spent). */
  private get freeableUsd(): number {
    return roundUsd([...this.grants].reduce((a, [id, usd]) => a + (this.priors.has(id) ? 0 : usd), 0));
  }

  get leftUsd(): number {
    return roundUsd(this.budgetUsd - this.settledUsd - this.reservedUsd);
  }

  decide(need: SceneNeed): BudgetDecision {
    if (this.stopReason) return { kind: 'skip', reason: `budget: not started, ${this.stopReason}` };
    if (need.attached) return this.decideAttach(need.attached, need.capUsd);
    if (need.options.length === 0) return { kind: 'skip', reason: 'budget: no provider can take this scene' };
    const cheapest = need.options.reduce((a, b) => (b.worstCaseUsd < a.worstCaseUsd ? b : a));
    const cheapestText = `${usd(cheapest.worstCaseUsd)} (${cheapest.provider})`;
    if (need.capUsd !== undefined && need.capUsd < cheapest.worstCaseUsd)
      return {
        kind: 'skip',
        reason: `budget: the scene's maxCostUsd $${need.capUsd} is below the cheapest worst case, ${cheapestText}`,
      };
    const limit = Math.min(this.leftUsd, need.capUsd ?? Infinity);
    const fit = need.options.find((o) => o.worstCaseUsd <= limit);
    if (fit) return { kind: 'start', grantUsd: fit.worstCaseUsd, provider: fit.provider };
    const reserved = this.freeableUsd;
    if (reserved > 0 && roundUsd(this.leftUsd + reserved) >= cheapest.worstCaseUsd)
      return {
        kind: 'wait',
        reason: `budget: ${usd(this.leftUsd)} left with ${usd(reserved)} reserved by running scenes; waiting for them to cover ${cheapestText}`,
      };
    return {
      kind: 'skip',
      reason: `budget: ${usd(this.leftUsd)} left${reserved > 0 ? ` (${usd(reserved)} reserved by running scenes)` : ''} cannot cover the cheapest worst case, ${cheapestText}`,
    };
  }

  /**
   * A run of the scene is already going and will bill whatever the project does: the project attaches to it (and
   * counts it) only when its whole exposure fits, as a child's worst case must; it waits while running scenes could
   * free enough, and otherwise leaves the run alone, uncounted.
   */
  private decideAttach(run: AttachedRun, capUsd: number | undefined): BudgetDecision {
    const exposure = run.exposureUsd;
    const what =
      exposure === undefined
        ? `its run ${run.workflowId}, going before this project run, has no bound on what it may bill (${run.basis})`
        : `its run ${run.workflowId}, going before this project run, may bill up to ${usd(exposure)} (${run.basis}; ${usd(run.spentUsd)} spent)`;
    const alone = `; not attached, that run goes on alone and its cost is not counted in this project`;
    if (exposure === undefined) return { kind: 'skip', reason: `budget: ${what}${alone}` };
    if (capUsd !== undefined && capUsd < exposure)
      return { kind: 'skip', reason: `budget: ${what}, above the scene's maxCostUsd $${capUsd}${alone}` };
    if (exposure <= this.leftUsd) return { kind: 'start', grantUsd: exposure, provider: run.workflowId };
    const reserved = this.freeableUsd;
    if (reserved > 0 && roundUsd(this.leftUsd + reserved) >= exposure)
      return {
        kind: 'wait',
        reason: `budget: ${what}; ${usd(this.leftUsd)} left with ${usd(reserved)} reserved by running scenes: waiting for them before attaching`,
      };
    return { kind: 'skip', reason: `budget: ${what}, more than the ${usd(this.leftUsd)} left${alone}` };
  }

  reserve(sceneId: string, grantUsd: number): void {
    this.grants.set(sceneId, grantUsd);
  }

  /**
   * The scene had already succeeded, before this run reached it, at `costUsd`: that money is spent and counts against
   * the budget (which caps the project's total, the clips it reuses included), held from the start so no other scene
   * is granted it; it is settled at what the scene reports, never as an overrun.
   */
  holdPrior(sceneId: string, costUsd: number): void {
    this.grants.set(sceneId, costUsd);
    this.priors.add(sceneId);
  }

  /**
   * The scene ended: its charge replaces its allowance. An unknown charge (no report from the child) keeps the whole
   * allowance as spent. Returns the reason when the scene was billed more than its allowance, which stops the project.
   */
  settle(sceneId: string, chargedUsd: number | undefined): string | undefined {
    const grant = this.grants.get(sceneId) ?? 0;
    this.grants.delete(sceneId);
    const charged = chargedUsd ?? grant;
    this.settledUsd = roundUsd(this.settledUsd + charged);
    this.settlements++;
    if (this.priors.delete(sceneId)) {
      this.priorUsd = roundUsd(this.priorUsd + charged);
      return undefined;
    }
    if (charged <= grant) return undefined;
    this.stopReason = `scene ${sceneId} was billed ${usd(charged)}, above its allowance ${usd(grant)}`;
    return `budget: billed ${usd(charged)}, above the allowance ${usd(grant)} granted to it; no further scene is started`;
  }

  summary(): ProjectBudgetSummary {
    return {
      budgetUsd: this.budgetUsd,
      spentUsd: this.settledUsd,
      reservedUsd: this.reservedUsd,
      leftUsd: this.leftUsd,
      ...(this.priors.size > 0 || this.priorUsd > 0
        ? { priorUsd: roundUsd(this.priorUsd + [...this.priors].reduce((a, id) => a + (this.grants.get(id) ?? 0), 0)) }
        : {}),
      ...(this.stopReason !== undefined && { stopped: this.stopReason }),
    };
  }
}
