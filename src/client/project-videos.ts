import type { Client } from '@temporalio/client';
import type { Catalogue } from '../contract/catalogue';
import { roundUsd } from '../domain/pricing';
import { sceneTaskQueueDefault, type SceneProgress } from '../contract/scene-workflow';
import {
  endedScenePhases,
  getProjectProgress as projectProgressQuery,
  type ProjectProgress,
  type ProjectResult,
  type ProjectScenePhase,
  projectWorkflowType,
  type ProjectWorkflow,
} from '../contract/project-workflow';
import { fromPayloadsAtIndex } from '@temporalio/common';
import { projectInputSchema, type ProjectInput, type ValidProjectInput } from '../contract/project-input';
import { projectWorkflowId } from '../contract/workflow-ids';
import { searchAttributes } from '../contract/search-attributes';
import { validateProjectInput } from './input-validation';
import { liveSceneProgress } from './live-scene-progress';
import { startOrAttach, type Started } from './start-or-attach';

export type StartedProject = Started<ProjectWorkflow>;

/** A project as its caller gave it (what the workflow starts with) and as `validateProjectInput` accepted it. */
export interface ValidatedProject {
  given: ProjectInput;
  input: ValidProjectInput;
}

/** Starts a project, or attaches to its running or finished workflow, so a repeated call never redoes paid work. */
export async function startProjectVideos(
  client: Client,
  project: ProjectInput,
  options: { taskQueue?: string; workflowId?: string; catalogue?: Catalogue } = {},
): Promise<StartedProject> {
  const input = validateProjectInput(project, options.catalogue);
  return startValidatedProject(client, { given: project, input }, options);
}

/** `startProjectVideos` for a project its caller has validated already: the CLI validates before it connects. */
export async function startValidatedProject(
  client: Client,
  { given, input }: ValidatedProject,
  options: { taskQueue?: string; workflowId?: string } = {},
): Promise<StartedProject> {
  return startOrAttach<ProjectWorkflow>(client, projectWorkflowType, {
    taskQueue: options.taskQueue ?? sceneTaskQueueDefault,
    workflowId: options.workflowId ?? projectWorkflowId(input.projectId),
    args: [given],
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
  return withLiveEndings(progress, live);
}

/**
 * A scene can finish a moment before its project records it. The view takes the scene's own ending for such a scene,
 * so each row's phase and cost and the counts and total (recomputed from the rows) always agree.
 */
export function withLiveEndings(progress: ProjectProgress, live: Record<string, SceneProgress>): LiveProjectProgress {
  const scenes = progress.scenes.map((s) => {
    const now = live[s.sceneId];
    if (s.phase !== 'running' || !now || !endedScenePhases.has(now.phase)) return s;
    return { ...s, phase: now.phase as ProjectScenePhase, costUsd: now.totalCostUsd, provider: now.result?.provider };
  });
  const counts = Object.fromEntries(Object.keys(progress.counts).map((k) => [k, 0])) as ProjectProgress['counts'];
  for (const s of scenes) counts[s.phase] = (counts[s.phase] ?? 0) + 1;
  return { ...progress, scenes, counts, totalCostUsd: roundUsd(scenes.reduce((sum, s) => sum + s.costUsd, 0)), live };
}

export function waitForProjectVideos(client: Client, workflowId: string): Promise<ProjectResult> {
  return client.workflow.getHandle<ProjectWorkflow>(workflowId).result();
}

/** Cancels the project; its running scenes are cancelled with it and cancel their provider tasks. */
export async function cancelProjectVideos(client: Client, workflowId: string): Promise<void> {
  await client.workflow.getHandle(workflowId).cancel();
}

/**
 * The project as its caller started it, from the first event of its history (one event is read, however long the
 * history): what each scene asked for, prompts included. Undefined when that input cannot be read as a project's.
 */
export async function startedProjectInput(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<ValidProjectInput | undefined> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const converter = client.workflow.options.loadedDataConverter.payloadConverter;
  const parsed = projectInputSchema.safeParse(fromPayloadsAtIndex(converter, 0, payloads));
  return parsed.success ? parsed.data : undefined;
}
