import { Context } from '@temporalio/activity';
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { legacySceneRun, runSceneIdentity, runStart } from '../client/scene-identity-check';
import { attachable } from '../client/start-or-attach';
import type { ProviderConfig } from '../contract/catalogue';
import { roundUsd, worstCaseCostUsd } from '../domain/pricing';
import { sceneBudgetCapPatch } from '../domain/budget';
import { getProgress, type SceneProgress, type SceneVideoResult } from '../contract/scene-workflow';
import { planProviders, PlanError } from '../domain/planning';
import { identityMismatchMessage, sameScene, type SceneIdentity } from '../domain/scene-identity';
import type { ValidSceneInput } from '../contract/scene-input';
import { sceneWorkflowId } from '../contract/workflow-ids';
import { configuredProviders, type ActivityDeps } from './dependencies';

export interface FindSceneRunsInput {
  projectId: string;
  /** Each scene's id and `sceneInputHash`: the identity a run must hold to be attached to. */
  scenes: { sceneId: string; inputHash: string }[];
}

/** A run of one of the project's scenes that already exists and must not be paid for again. */
export type FoundSceneRun =
  | {
      sceneId: string;
      kind: 'running' | 'succeeded';
      workflowId: string;
      /** What the run has committed so far (its final cost once it succeeded). */
      spentUsd: number;
      /**
       * The most it can end up costing: spent plus what it may still bill (equal to spentUsd once it succeeded);
       * undefined when nothing bounds it (its input cannot be read).
       */
      exposureUsd?: number;
      /** How the exposure was figured, for the scene's row. */
      basis: string;
    }
  | {
      sceneId: string;
      kind: 'refused';
      workflowId: string;
      /** Why the run under the scene's old-format id is not attached to (same scene id, other content). */
      message: string;
    };

const queryTimeoutMs = 20_000;
const parallel = 8;

/**
 * One look per project run at the ids its scenes may already run under, as `startSceneVideo` looks: the new id first,
 * then the old-format one (`scene-video-{projectId}-{sceneId}`). A running or succeeded run holding the same scene is
 * returned with what it spent and may still spend, so the project can reserve that before attaching. A run under the
 * new id holding other content is left to the child start, which refuses it; under the old id a run of another
 * (colliding) scene is ignored and one of this scene with other content is refused, as the client does.
 */
export function createFindSceneRuns(deps: ActivityDeps) {
  return async function findSceneRuns(input: FindSceneRunsInput): Promise<FoundSceneRun[]> {
    const ctx = Context.current();
    const client = ctx.client;
    const found: FoundSceneRun[] = [];
    let next = 0;
    const worker = async () => {
      while (next < input.scenes.length) {
        const scene = input.scenes[next++]!;
        const identity: SceneIdentity = { projectId: input.projectId, ...scene };
        const run = await findSceneRun(client, deps, identity);
        if (run) found.push(run);
        ctx.heartbeat(next);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, input.scenes.length) }, worker));
    return found;
  };
}

async function findSceneRun(
  client: Client,
  deps: ActivityDeps,
  identity: SceneIdentity,
): Promise<FoundSceneRun | undefined> {
  const current = await attachable(client, sceneWorkflowId(identity.sceneId, identity.projectId));
  if (current) {
    const existing = await runSceneIdentity(client, current);
    // Another scene's run under the new id: the child start meets it and refuses it, naming both.
    if (!existing || !sameScene(existing, identity)) return;
    return describeRun(client, deps, identity.sceneId, current);
  }
  // Under the old id a run of the other scene of a colliding pair is not ours (this scene gets its own run), and one of
  // this scene with other content is refused.
  const legacy = await legacySceneRun(client, identity);
  if (!legacy) return undefined;
  if (!legacy.sameContent)
    return {
      sceneId: identity.sceneId,
      kind: 'refused',
      workflowId: legacy.workflowId,
      message: identityMismatchMessage(legacy.workflowId, identity, legacy.existing),
    };
  return describeRun(client, deps, identity.sceneId, legacy.description);
}

async function describeRun(
  client: Client,
  deps: ActivityDeps,
  sceneId: string,
  description: WorkflowExecutionDescription,
): Promise<FoundSceneRun> {
  const { workflowId } = description;
  const handle = client.workflow.getHandle(workflowId, description.runId);
  if (description.status.name === 'COMPLETED') {
    const result = (await handle.result()) as SceneVideoResult;
    const spentUsd = result.totalCostUsd;
    return { sceneId, kind: 'succeeded', workflowId, spentUsd, exposureUsd: spentUsd, basis: 'succeeded' };
  }
  const { input, patches } = await runStart(client, description);
  const snapshot = await client
    .withDeadline(Date.now() + queryTimeoutMs, () => handle.query(getProgress))
    .catch(() => undefined);
  const order = input ? planOrder(deps, input) : [];
  const exposure = runExposure(input, order, snapshot, patches.has(sceneBudgetCapPatch));
  return { sceneId, kind: 'running', workflowId, ...exposure };
}

/** The providers the run tries, in order, as it planned them (this worker's catalogue and keys). */
function planOrder(deps: ActivityDeps, input: ValidSceneInput): ProviderConfig[] {
  try {
    return planProviders(input, deps.catalogue, configuredProviders(deps)).order;
  } catch (err) {
    if (err instanceof PlanError) return [];
    throw err;
  }
}

/**
 * What a running scene may end up costing: what its ended attempts cost, each attempt in flight at its worst case (or
 * what it already reports, if more), and every provider it has not reached yet at its worst case, as it may fall back
 * to each of them. Its own `maxCostUsd` bounds that only when the run holds it as a cap (`budgetIsCap`: its history
 * carries the `scene-budget-worst-case` marker, so each attempt must fit at its worst case): a run started by older
 * code checked maxCostUsd against estimates only and can bill past it, so it counts at its plan's worst case. Without
 * its input (an unreadable run) nothing bounds it: the exposure is unknown and such a run is never attached under a
 * budget.
 */
export function runExposure(
  input: Pick<ValidSceneInput, 'durationSec' | 'maxCostUsd'> | undefined,
  order: ProviderConfig[],
  snapshot: Pick<SceneProgress, 'attempts' | 'totalCostUsd'> | undefined,
  budgetIsCap: boolean,
): { spentUsd: number; exposureUsd?: number; basis: string } {
  const spentUsd = snapshot?.totalCostUsd ?? 0;
  if (!input) return { spentUsd, basis: 'its input cannot be read' };
  const attempts = snapshot?.attempts ?? [];
  const tried = new Set(attempts.map((a) => a.provider));
  const worstCase = (key: string) => {
    const provider = order.find((p) => p.key === key);
    return provider ? worstCaseCostUsd(provider, input.durationSec) : 0;
  };
  const attempted = attempts.map((a) =>
    a.endedAt !== undefined ? a.costUsd : Math.max(a.costUsd, worstCase(a.provider)),
  );
  const ahead = order.filter((p) => !tried.has(p.key));
  const planUsd = roundUsd([...attempted, ...ahead.map((p) => worstCase(p.key))].reduce((a, b) => a + b, 0));
  const planBasis = `the worst case of its plan${ahead.length > 0 ? ` (${ahead.map((p) => p.key).join(', ')} still ahead)` : ''}`;
  if (budgetIsCap && input.maxCostUsd !== undefined && input.maxCostUsd < planUsd)
    return {
      spentUsd,
      exposureUsd: Math.max(spentUsd, input.maxCostUsd),
      basis: `its maxCostUsd $${input.maxCostUsd}`,
    };
  return { spentUsd, exposureUsd: Math.max(spentUsd, planUsd), basis: planBasis };
}
