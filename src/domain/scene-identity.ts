import { sha256Hex } from './sha256';

/**
 * What makes two starts "the same scene": the same project, the same scene id, and the same content. Recorded in the
 * scene workflow's memo at start (by the client, and by the project for its children), so an attach can check that
 * the run it found under a workflow id is the scene it was asked for.
 */
export interface SceneIdentity {
  projectId?: string;
  sceneId: string;
  /** `sceneInputHash` of the validated input. */
  inputHash: string;
}

/** The memo key the identity is stored under. */
export const sceneIdentityMemoKey = 'scene';

/** The failure type of a project scene refused for this reason. */
export const identityMismatchType = 'SceneIdentityMismatch';

/**
 * The fields that decide what the clip shows, after validation (defaults applied). Left out on purpose: how the clip is
 * made (preferred/allowed providers, polling, maxCostUsd, moderation), because a retry of the same scene with another budget or
 * provider choice must still attach rather than pay twice, and a project gives each child the budget left at that
 * moment, which differs from one project run to the next.
 */
export interface SceneContent {
  sceneType: string;
  prompt: string;
  negativePrompt: string;
  durationSec: number;
  aspectRatio: string;
  imageUrl?: string;
}

/** SHA-256 (pure JS: the project workflow computes it for its children) over a fixed-order array of the content. */
export function sceneInputHash(scene: SceneContent): string {
  const canonical = JSON.stringify([
    'scene-v1',
    scene.sceneType,
    scene.prompt,
    scene.negativePrompt,
    scene.durationSec,
    scene.aspectRatio,
    scene.imageUrl ?? null,
  ]);
  return `sha256:${sha256Hex(canonical)}`;
}

export function sceneIdentity(scene: SceneContent & { sceneId: string; projectId?: string }): SceneIdentity {
  return {
    ...(scene.projectId !== undefined ? { projectId: scene.projectId } : {}),
    sceneId: scene.sceneId,
    inputHash: sceneInputHash(scene),
  };
}

export function sameScene(a: SceneIdentity, b: SceneIdentity): boolean {
  return (a.projectId ?? null) === (b.projectId ?? null) && a.sceneId === b.sceneId && a.inputHash === b.inputHash;
}

/** `scene "hook" of project "acme" (input sha256:1a2b3c4d…)` */
export function describeScene(s: SceneIdentity): string {
  const project = s.projectId === undefined ? 'without a project' : `of project "${s.projectId}"`;
  return `scene "${s.sceneId}" ${project} (input ${s.inputHash.slice(0, 15)}…)`;
}

/**
 * Why an attach was refused, and what to do: the message of `SceneIdentityMismatchError` in the client and of the
 * project's `SceneIdentityMismatch` failure.
 */
export function identityMismatchMessage(
  workflowId: string,
  requested: SceneIdentity,
  existing: SceneIdentity | undefined,
): string {
  const sameBusinessScene =
    existing !== undefined &&
    (requested.projectId ?? null) === (existing.projectId ?? null) &&
    requested.sceneId === existing.sceneId;
  const advice = sameBusinessScene
    ? 'The scene content (type, prompt, negative prompt, duration, aspect ratio or image) changed since that run was ' +
      'started, and attaching would return the old clip. To generate the new content, give the scene a new sceneId ' +
      '(e.g. "' +
      `${requested.sceneId}-v2"), or, if the existing run is still running and no longer wanted, cancel it ` +
      `(scene-video cancel ${workflowId}) and start again.`
    : 'Another scene was started under this id (an explicit workflowId, or an id from before scene ids became ' +
      'unambiguous). Start this scene without a workflowId so it gets its own id, or pass a workflowId that no other ' +
      'scene uses.';
  return (
    `refusing to attach to workflow ${workflowId}: it runs ${existing ? describeScene(existing) : 'something that is not an identifiable scene'}, ` +
    `not the requested ${describeScene(requested)}. ${advice}`
  );
}
