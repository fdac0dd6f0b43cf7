/** Business ids: the same scene always maps to the same workflow, which is what makes a repeated start free. */
export function sceneWorkflowId(sceneId: string, projectId?: string): string {
  return `scene-video-${projectId ?? '_'}-${sceneId}`;
}

export function projectWorkflowId(projectId: string): string {
  return `project-video-${projectId}`;
}
