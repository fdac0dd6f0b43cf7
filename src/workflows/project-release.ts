import { patched } from '@temporalio/workflow';
import type { ProjectInput } from '../contract/project-input';

/**
 * What a project run does differently by the release that started it. Runs in flight replay through the older paths,
 * so each is kept, named by the flag that selects it.
 */
export interface ProjectRelease {
  /**
   * Runs started before this change let a cancel terminate their scenes (parent-close policy) or swallowed it; new
   * runs cancel each scene, wait for it to stop its provider task, record what it committed and end CANCELLED.
   */
  cancelScenes: boolean;
  /**
   * Runs started before ids became unambiguous keep their children's old ids (and replay), new runs use the new ones
   * and record each child's identity, which an attach to an existing child verifies.
   */
  unambiguousIds: boolean;
  /**
   * A hard cap: each running scene holds an allowance (a worst case) until it ends. Runs started before it reserve
   * cheapest estimates (`EstimateReservations`).
   */
  budgetIsCap: boolean;
  /** Runs since the project manifest write it when they finish (runs from before end as they did, without one). */
  manifest: boolean;
}

/**
 * Decided once, in the run's first activation and before the first local activity: a marker written after it can land
 * in a later workflow task, which a replay reaches only after it has resolved the local activity, and then reads the
 * patch as absent. An old run replayed without a marker keeps the old behaviour even after it goes live again.
 */
export function decideRelease(rawInput: ProjectInput): ProjectRelease {
  const cancelScenes = patched('project-cancel-cancels-scenes');
  const unambiguousIds = patched('unambiguous-scene-ids');
  const budgetIsCap =
    (rawInput as Partial<ProjectInput> | null)?.budgetUsd !== undefined && patched('project-budget-worst-case');
  const manifest = patched('project-manifest');
  return { cancelScenes, unambiguousIds, budgetIsCap, manifest };
}
