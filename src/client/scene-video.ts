import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { Catalogue } from '../config/catalogue';
import { generateSceneVideo } from '../workflows';
import { sceneTaskQueueDefault, type SceneVideoResult } from '../workflows/definitions';
import { sceneWorkflowId } from '../workflows/project-input';
import type { SceneInput } from '../workflows/scene-input';
import { searchAttributes } from '../workflows/search-attributes';
import { validateSceneInput } from './input-validation';

export interface StartOptions {
  taskQueue?: string;
  /** Defaults to the business id `scene-video-{projectId}-{sceneId}`. */
  workflowId?: string;
  /** Provider keys are checked against this catalogue before starting (the default catalogue otherwise). */
  catalogue?: Catalogue;
}

export interface StartedScene {
  workflowId: string;
  /** False when the scene already had a workflow (running, or finished successfully) and the call attached to it. */
  started: boolean;
  handle: WorkflowHandle<typeof generateSceneVideo>;
}

/**
 * Starts one scene, or attaches to the scene's existing workflow: a running one is reused, a successful one is never
 * redone, so calling this twice never pays twice. Only a failed or cancelled scene starts afresh.
 */
export async function startSceneVideo(
  client: Client,
  scene: SceneInput,
  options: StartOptions = {},
): Promise<StartedScene> {
  const input = validateSceneInput(scene, options.catalogue);
  const workflowId = options.workflowId ?? sceneWorkflowId(input.sceneId, input.projectId);
  const existing = await attachable(client, workflowId);
  if (existing) return { workflowId, started: false, handle: existing };
  // The policies close the race with a concurrent starter: a running run is reused, a successful one is not redone.
  try {
    const handle = await client.workflow.start(generateSceneVideo, {
      taskQueue: options.taskQueue ?? sceneTaskQueueDefault,
      workflowId,
      args: [scene],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: [
        { key: searchAttributes.sceneId, value: input.sceneId },
        { key: searchAttributes.sceneType, value: input.sceneType },
        ...(input.projectId ? [{ key: searchAttributes.projectId, value: input.projectId }] : []),
      ],
      staticSummary: `${input.sceneType} scene ${input.sceneId}: ${input.durationSec} s ${input.aspectRatio}`,
    });
    return { workflowId, started: true, handle };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { workflowId, started: false, handle: client.workflow.getHandle<typeof generateSceneVideo>(workflowId) };
    }
    throw err;
  }
}

/** A run that must not be repeated: still running, or already succeeded. */
export async function attachable<T extends Workflow>(
  client: Client,
  workflowId: string,
): Promise<WorkflowHandle<T> | undefined> {
  const handle = client.workflow.getHandle<T>(workflowId);
  try {
    const { status } = await handle.describe();
    return status.name === 'RUNNING' || status.name === 'COMPLETED' ? handle : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export { liveSceneProgress as getSceneProgress } from './live-scene-progress';

export function waitForSceneVideo(client: Client, workflowId: string): Promise<SceneVideoResult> {
  return client.workflow.getHandle<typeof generateSceneVideo>(workflowId).result();
}

/** Requests cancellation; the workflow cancels its remote provider task before it stops. */
export async function cancelSceneVideo(client: Client, workflowId: string): Promise<void> {
  await client.workflow.getHandle(workflowId).cancel();
}
