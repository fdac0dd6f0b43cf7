import type { Client } from '@temporalio/client';
import type { Catalogue } from '../config/catalogue';
import { generateSceneVideo } from '../workflows';
import { sceneTaskQueueDefault, type SceneVideoResult } from '../workflows/definitions';
import { sceneWorkflowId } from '../workflows/workflow-ids';
import type { SceneInput } from '../workflows/scene-input';
import { sceneStartAttributes } from '../workflows/search-attributes';
import { validateSceneInput } from './input-validation';
import { startOrAttach, type Started } from './start-or-attach';

export interface StartOptions {
  taskQueue?: string;
  /** Defaults to the business id `scene-video-{projectId}-{sceneId}`. */
  workflowId?: string;
  /** Provider keys are checked against this catalogue before starting (the default catalogue otherwise). */
  catalogue?: Catalogue;
}

export type StartedScene = Started<typeof generateSceneVideo>;

/** Starts one scene, or attaches to its running or successful workflow: calling this twice never pays twice. */
export async function startSceneVideo(
  client: Client,
  scene: SceneInput,
  options: StartOptions = {},
): Promise<StartedScene> {
  const input = validateSceneInput(scene, options.catalogue);
  return startOrAttach(client, generateSceneVideo, {
    taskQueue: options.taskQueue ?? sceneTaskQueueDefault,
    workflowId: options.workflowId ?? sceneWorkflowId(input.sceneId, input.projectId),
    args: [scene],
    typedSearchAttributes: sceneStartAttributes(input),
    staticSummary: `${input.sceneType} scene ${input.sceneId}: ${input.durationSec} s ${input.aspectRatio}`,
  });
}

export { liveSceneProgress as getSceneProgress } from './live-scene-progress';

export function waitForSceneVideo(client: Client, workflowId: string): Promise<SceneVideoResult> {
  return client.workflow.getHandle<typeof generateSceneVideo>(workflowId).result();
}

/** Requests cancellation; the workflow cancels its remote provider task before it stops. */
export async function cancelSceneVideo(client: Client, workflowId: string): Promise<void> {
  await client.workflow.getHandle(workflowId).cancel();
}
