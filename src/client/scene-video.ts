import type { Client } from '@temporalio/client';
import type { Catalogue } from '../contract/catalogue';
import {
  sceneTaskQueueDefault,
  sceneWorkflowType,
  type SceneVideoResult,
  type SceneWorkflow,
} from '../contract/scene-workflow';
import { sceneWorkflowId } from '../contract/workflow-ids';
import type { SceneInput, ValidSceneInput } from '../contract/scene-input';
import { sceneIdentity, sceneIdentityMemoKey, type SceneIdentity } from '../domain/scene-identity';
import { sceneStartAttributes } from '../contract/search-attributes';
import { validateSceneInput } from './input-validation';
import { legacySceneRun, SceneIdentityMismatchError, verifySceneIdentity } from './scene-identity-check';
import { startOrAttach, type Started } from './start-or-attach';

export interface StartOptions {
  taskQueue?: string;
  /**
   * Defaults to the business id `scene-video:{projectId}:{sceneId}`. Whatever the id, an existing run under it is only
   * attached to when it holds this same scene (`SceneIdentityMismatchError` otherwise).
   */
  workflowId?: string;
  /** Provider keys are checked against this catalogue before starting (the default catalogue otherwise). */
  catalogue?: Catalogue;
}

export type StartedScene = Started<SceneWorkflow>;

/** A scene as its caller gave it (what the workflow starts with) and as `validateSceneInput` accepted it. */
export interface ValidatedScene {
  given: SceneInput;
  input: ValidSceneInput;
}

/**
 * Starts one scene, or attaches to its running or successful workflow: calling this twice never pays twice. Only the
 * caller whose request created the run gets `started: true`. Attaching first checks that the run holds this scene
 * (project, scene id and content), and throws `SceneIdentityMismatchError` when it does not.
 */
export async function startSceneVideo(
  client: Client,
  scene: SceneInput,
  options: StartOptions = {},
): Promise<StartedScene> {
  return startValidatedScene(client, { given: scene, input: validateSceneInput(scene, options.catalogue) }, options);
}

/** `startSceneVideo` for a scene its caller has validated already: the CLI validates before it connects. */
export async function startValidatedScene(
  client: Client,
  { given, input }: ValidatedScene,
  options: Omit<StartOptions, 'catalogue'> = {},
): Promise<StartedScene> {
  const identity = sceneIdentity(input);
  return startOrAttach<SceneWorkflow>(
    client,
    sceneWorkflowType,
    {
      taskQueue: options.taskQueue ?? sceneTaskQueueDefault,
      workflowId: options.workflowId ?? sceneWorkflowId(input.sceneId, input.projectId),
      args: [given],
      typedSearchAttributes: sceneStartAttributes(input),
      memo: { [sceneIdentityMemoKey]: identity },
      staticSummary: `${input.sceneType} scene ${input.sceneId}: ${input.durationSec} s ${input.aspectRatio}`,
    },
    {
      verify: (description) => verifySceneIdentity(client, description, identity),
      fallback: options.workflowId === undefined ? () => attachLegacy(client, identity) : undefined,
    },
  );
}

/**
 * A run of this scene started under its old-format id that is still running, or succeeded: attach to it rather than
 * pay for the scene again under the new id. A run of the other scene of a colliding pair is left alone (this scene gets
 * its own run); a run of this same scene id with different content is refused, as it would be under the new id.
 */
async function attachLegacy(client: Client, identity: SceneIdentity): Promise<StartedScene | undefined> {
  const legacy = await legacySceneRun(client, identity);
  if (!legacy) return undefined;
  const { workflowId, existing } = legacy;
  if (!legacy.sameContent) throw new SceneIdentityMismatchError(workflowId, identity, existing);
  return { workflowId, started: false, handle: client.workflow.getHandle<SceneWorkflow>(workflowId) };
}

export { liveSceneProgress as getSceneProgress } from './live-scene-progress';

export function waitForSceneVideo(client: Client, workflowId: string): Promise<SceneVideoResult> {
  return client.workflow.getHandle<SceneWorkflow>(workflowId).result();
}

/** Requests cancellation; the workflow cancels its remote provider task before it stops. */
export async function cancelSceneVideo(client: Client, workflowId: string): Promise<void> {
  await client.workflow.getHandle(workflowId).cancel();
}
