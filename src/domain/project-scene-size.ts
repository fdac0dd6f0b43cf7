import { childSceneInput } from './child-scene-input';
import type { ValidProjectInput, ValidProjectScene } from '../contract/project-input';
import type { SceneInput } from '../contract/scene-input';
import { inputTooLarge } from '../contract/payload-limits';

/**
 * A scene of a project as its child workflow's start will carry it. `maxCostUsd` is the allowance the project grants at
 * that moment, rounded to the micro-dollar and never above the scene's own cap or the project's budget: the longest
 * such number stands in for it.
 */
export function childSceneInputBound(project: ValidProjectInput, scene: ValidProjectScene): SceneInput {
  const caps = [scene.maxCostUsd, project.budgetUsd].filter((v): v is number => v !== undefined);
  const cap = caps.length > 0 ? Math.min(...caps) : undefined;
  return childSceneInput(project, scene, cap === undefined ? undefined : Math.floor(cap) + 0.999999);
}

/** How many oversized scenes a message names; the count says how many more there are. */
const namedScenes = 5;

/**
 * Undefined when every scene's child input fits the per-scene limit; otherwise one message naming each scene that
 * does not (up to five), its size and the limit. A project holding such a scene is refused whole, before any scene is
 * started and paid for: its child would otherwise fail only when its turn comes.
 */
export function projectScenesTooLarge(project: ValidProjectInput): string | undefined {
  const problems = project.scenes.flatMap((scene, i) => {
    const tooLarge = inputTooLarge('scene', childSceneInputBound(project, scene));
    return tooLarge ? [`scenes[${i}] (${scene.sceneId}): ${tooLarge}`] : [];
  });
  if (problems.length === 0) return undefined;
  const more = problems.length > namedScenes ? `; and ${problems.length - namedScenes} more` : '';
  return (
    `${problems.length} scene(s) of the project are too large to start, with the fields the project adds ` +
    `(projectId, polling, maxCostUsd, defaults); nothing was started: ${problems.slice(0, namedScenes).join('; ')}${more}`
  );
}
