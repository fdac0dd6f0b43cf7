import type { Catalogue } from '../contract/catalogue';
import type { ProviderRoute } from '../contract/provider-task';
import type { ValidProjectInput } from '../contract/project-input';
import { planProjectScenes } from './project-plan';
import { estimateCostUsd, roundUsd } from './pricing';

/** What a project is expected to spend on one provider route. */
export interface RouteEstimate {
  route: ProviderRoute;
  /** The catalogue estimates of the scenes whose first-ranked provider is on this route, capped by the budget. */
  estimateUsd: number;
  sceneIds: string[];
}

/**
 * Where a project's money is expected to go: each scene at its first-ranked provider's catalogue estimate, as the
 * project plans it before starting any scene, summed per route, and never more than the project's `budgetUsd`.
 * Fallbacks are not counted: they spend only when the first choice failed, mostly unbilled. A project that cannot be
 * planned fails before it starts a scene, so it has nothing to check.
 */
export function projectEstimateByRoute(
  project: ValidProjectInput,
  catalogue: Catalogue,
  configured: readonly string[],
): RouteEstimate[] {
  const planned = planProjectScenes(project, catalogue, configured);
  if ('problem' in planned) return [];
  const byKey = new Map(catalogue.map((p) => [p.key, p]));
  const byRoute = new Map<ProviderRoute, RouteEstimate>();
  planned.plans.forEach(({ need }, i) => {
    const first = byKey.get(need.options[0]!.provider)!;
    const entry = byRoute.get(first.route) ?? { route: first.route, estimateUsd: 0, sceneIds: [] };
    entry.estimateUsd = roundUsd(entry.estimateUsd + estimateCostUsd(first, project.scenes[i]!.durationSec));
    entry.sceneIds.push(need.sceneId);
    byRoute.set(first.route, entry);
  });
  const cap = project.budgetUsd;
  return [...byRoute.values()].map((e) => (cap !== undefined && e.estimateUsd > cap ? { ...e, estimateUsd: cap } : e));
}

/** A route whose reported balance cannot cover what the project is expected to spend there. */
export interface BalanceShortfall extends RouteEstimate {
  balanceUsd: number;
}

/** The routes whose known balance is below their estimate; a route with an unknown balance never blocks. */
export function balanceShortfalls(
  estimates: readonly RouteEstimate[],
  balances: Partial<Record<ProviderRoute, number>>,
): BalanceShortfall[] {
  return estimates.flatMap((e) => {
    const balanceUsd = balances[e.route];
    return balanceUsd !== undefined && e.estimateUsd > balanceUsd ? [{ ...e, balanceUsd }] : [];
  });
}
