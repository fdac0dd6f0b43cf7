import type { Client } from '@temporalio/client';
import type { Catalogue } from '../config/catalogue';
import { generateProjectVideos } from '../workflows';
import { sceneTaskQueueDefault, type SceneProgress } from '../workflows/definitions';
import {
  getProjectProgress as projectProgressQuery,
  type ProjectProgress,
  type ProjectResult,
} from '../workflows/project-definitions';
import type { ProjectInput } from '../workflows/project-input';
import { projectWorkflowId } from '../workflows/workflow-ids';
import { searchAttributes } from '../workflows/search-attributes';
import { validateProjectInput } from './input-validation';
import { liveSceneProgress } from './live-scene-progress';
import { startOrAttach, type Started } from './start-or-attach';

export type StartedProject = Started<typeof generateProjectVideos>;

/** Starts a project, or attaches to its running or finished workflow, so a repeated call never redoes paid work. */
export async function startProjectVideos(
  client: Client,
  project: ProjectInput,
  options: { taskQueue?: string; workflowId?: string; catalogue?: Catalogue } = {},
): Promise<StartedProject> {
  const input = validateProjectInput(project, options.catalogue);
  return startOrAttach(client, generateProjectVideos, {
    taskQueue: options.taskQueue ?? sceneTaskQueueDefault,
    workflowId: options.workflowId ?? projectWorkflowId(input.projectId),
    args: [project],
    typedSearchAttributes: [{ key: searchAttributes.projectId, value: input.projectId }],
    staticSummary: `project ${input.projectId}: ${input.scenes.length} scenes`,
  });
}

export interface LiveProjectProgress extends ProjectProgress {
  /** The live view of each running scene, from its own workflow's query. */
  live: Record<string, SceneProgress>;
}

/** The project's durable view plus, for running scenes, their current provider, attempt and cost. */
export async function getProjectProgress(client: Client, workflowId: string): Promise<LiveProjectProgress> {
  const progress = await client.workflow.getHandle(workflowId).query(projectProgressQuery);
  const live: Record<string, SceneProgress> = {};
  await Promise.all(
    progress.scenes
      .filter((s) => s.phase === 'running')
      .map(async (s) => {
        try {
          live[s.sceneId] = await liveSceneProgress(client, s.workflowId);
        } catch {
          // The child may not have started its first task yet; the project view still covers it.
        }
      }),
  );
  return { ...progress, live };
}

export function waitForProjectVideos(client: Client, workflowId: string): Promise<ProjectResult> {
  return client.workflow.getHandle<typeof generateProjectVideos>(workflowId).result();
}

/** Cancels the project; its running scenes are cancelled with it and cancel their provider tasks. */
export async function cancelProjectVideos(client: Client, workflowId: string): Promise<void> {
  await client.workflow.getHandle(workflowId).cancel();
}
