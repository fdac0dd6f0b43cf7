import type { Catalogue } from '../contract/catalogue';
import type { ValidProjectInput } from '../contract/project-input';
import type { SceneNeed } from './budget';
import { planProviders, PlanError } from './planning';
import { estimateCostUsd, worstCaseCostUsd } from './pricing';

/** A scene's plan as its project needs it, made once per project run (the child plans again for itself). */
export interface ScenePlan {
  /** What the scene may spend and what each provider of its plan, in order, could bill: what the ledger reserves. */
  need: SceneNeed;
  /** The cheapest estimate among the providers of its plan: what runs from before budgets were hard caps reserve. */
  cheapestEstimateUsd: number;
}

/**
 * Every scene planned as its child will plan it, or one message naming each scene that cannot be planned: a scene
 * naming a provider the worker does not know or has no key for would fail anyway, so the whole project fails before
 * any scene is paid for.
 */
export function planProjectScenes(
  project: ValidProjectInput,
  catalogue: Catalogue,
  configured: readonly string[],
): { plans: ScenePlan[] } | { problem: string } {
  const plans: ScenePlan[] = [];
  const problems: string[] = [];
  for (const [i, scene] of project.scenes.entries()) {
    try {
      const { order } = planProviders({ ...scene, projectId: project.projectId }, catalogue, configured);
      plans.push({
        need: {
          sceneId: scene.sceneId,
          capUsd: scene.maxCostUsd,
          options: order.map((p) => ({ provider: p.key, worstCaseUsd: worstCaseCostUsd(p, scene.durationSec) })),
        },
        cheapestEstimateUsd: Math.min(...order.map((p) => estimateCostUsd(p, scene.durationSec))),
      });
    } catch (err) {
      if (!(err instanceof PlanError)) throw err;
      problems.push(`scenes[${i}] (${scene.sceneId}): ${err.message}`);
    }
  }
  if (problems.length > 0)
    return { problem: `cannot plan providers for ${problems.length} scene(s): ${problems.join('; ')}` };
  return { plans };
}
