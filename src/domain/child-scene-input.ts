import type { ValidProjectInput, ValidProjectScene } from '../contract/project-input';
import type { SceneInput } from '../contract/scene-input';

/** What a project's child scene workflow starts with: the validated scene and the fields the project adds. */
export function childSceneInput(project: ValidProjectInput, scene: ValidProjectScene, maxCostUsd?: number): SceneInput {
  const moderation = scene.moderation ?? project.moderation;
  return {
    ...scene,
    projectId: project.projectId,
    polling: project.polling ?? scene.polling,
    maxCostUsd,
    ...(moderation && { moderation }),
  };
}
