/**
 * Business ids: the same scene always maps to the same workflow, which is what makes a repeated start free.
 *
 * A scene's id is `scene-video:{projectId}:{sceneId}` (`_` for a scene without a project). Business ids are
 * `[A-Za-z0-9._-]` and start with a letter or digit (`businessIdSchema`), so they can contain neither `:` nor be `_`:
 * every id names exactly one (project, scene) pair.
 */
export function sceneWorkflowId(sceneId: string, projectId?: string): string {
  return `scene-video:${projectId ?? '_'}:${sceneId}`;
}

/**
 * The id scenes had before `unambiguous-scene-ids`: `scene-video-{projectId}-{sceneId}`. Both parts may contain `-`,
 * so project `acme` scene `summer-hook` and project `acme-summer` scene `hook` shared one id. Kept to find runs started
 * under it that may still be in flight (status and cancel by id need nothing: an id is an id).
 */
export function legacySceneWorkflowId(sceneId: string, projectId?: string): string {
  return `scene-video-${projectId ?? '_'}-${sceneId}`;
}

export function projectWorkflowId(projectId: string): string {
  return `project-video-${projectId}`;
}

/**
 * The provider gate of one catalogue entry on one task queue: `scene-video-gate:{taskQueue}:{providerKey}`. Never a
 * scene's or project's: those start `scene-video:`, `scene-video-` followed by a business id (no `:`), or
 * `project-video-`. Provider keys hold no `:`, so the last one splits the queue from the key.
 */
export function providerGateWorkflowId(taskQueue: string, providerKey: string): string {
  return `scene-video-gate:${taskQueue}:${providerKey}`;
}
