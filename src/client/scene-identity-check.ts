import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { fromPayloadsAtIndex } from '@temporalio/common';
import { sceneInputSchema } from '../workflows/scene-input';
import {
  identityMismatchMessage,
  sameScene,
  sceneIdentity,
  sceneIdentityMemoKey,
  type SceneIdentity,
} from '../workflows/scene-identity';

/**
 * A start found another scene's run under the workflow id it would use, and refused to attach to it: attaching would
 * report the other scene's clip as this one's. Nothing was started. The message names both scenes and what to do.
 */
export class SceneIdentityMismatchError extends Error {
  override readonly name = 'SceneIdentityMismatchError';
  constructor(
    readonly workflowId: string,
    readonly requested: SceneIdentity,
    /** Undefined when the run under the id cannot be identified as a scene (another workflow type, unreadable input). */
    readonly existing: SceneIdentity | undefined,
  ) {
    super(identityMismatchMessage(workflowId, requested, existing));
  }
}

function isIdentity(value: unknown): value is SceneIdentity {
  const v = value as Partial<SceneIdentity> | null | undefined;
  return typeof v?.sceneId === 'string' && typeof v.inputHash === 'string';
}

/**
 * Which scene a run holds: the identity its starter put in the memo, or, for a run started before the memo existed (an
 * old-format id still in flight), the identity of the input its history starts with. Undefined when it is not a scene.
 */
export async function runSceneIdentity(
  client: Client,
  description: WorkflowExecutionDescription,
): Promise<SceneIdentity | undefined> {
  if (description.type !== 'generateSceneVideo') return undefined;
  const memo = description.memo?.[sceneIdentityMemoKey];
  if (isIdentity(memo)) return memo;
  const history = await client.workflow.getHandle(description.workflowId, description.runId).fetchHistory();
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const parsed = sceneInputSchema.safeParse(
    fromPayloadsAtIndex(client.workflow.options.loadedDataConverter.payloadConverter, 0, payloads),
  );
  return parsed.success ? sceneIdentity(parsed.data) : undefined;
}

/** Throws `SceneIdentityMismatchError` unless the described run holds the requested scene. */
export async function verifySceneIdentity(
  client: Client,
  description: WorkflowExecutionDescription,
  requested: SceneIdentity,
): Promise<void> {
  const existing = await runSceneIdentity(client, description);
  if (!existing || !sameScene(existing, requested))
    throw new SceneIdentityMismatchError(description.workflowId, requested, existing);
}
