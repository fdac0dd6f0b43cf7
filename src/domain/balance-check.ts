import type { Catalogue } from '../contract/catalogue';
import type { ProviderRoute } from '../contract/provider-task';
import type { ValidProjectInput } from '../contract/project-input';
import { planProviders, PlanError } from './planning';
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
 * project would start it, summed per route, and never more than the project's `budgetUsd`. Fallbacks are not
 * counted: they spend only when the first choice failed, mostly unbilled. Scenes that cannot be planned are left out;
 * the project fails them anyway.
 */
export function projectEstimateByRoute(
  project: ValidProjectInput,
  catalogue: Catalogue,
  configured: readonly string[],
): RouteEstimate[] {
  const firstRanked = (scene: ValidProjectInput['scenes'][number]) => {
    try {
      return planProviders({ ...scene, projectId: project.projectId }, catalogue, configured).order[0];
    } catch (err) {
      if (err instanceof PlanError) return undefined;
      throw err;
    }
  };
  const byRoute = new Map<ProviderRoute, RouteEstimate>();
  for (const scene of project.scenes) {
    const first = firstRanked(scene);
    if (!first) continue;
    const entry = byRoute.get(first.route) ?? { route: first.route, estimateUsd: 0, sceneIds: [] };
    entry.estimateUsd = roundUsd(entry.estimateUsd + estimateCostUsd(first, scene.durationSec));
    entry.sceneIds.push(scene.sceneId);
    byRoute.set(first.route, entry);
  }
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
