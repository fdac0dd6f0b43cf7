import { sceneWorkflowType } from '../contract/scene-workflow';
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { fromPayloadsAtIndex, type PayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { sceneInputSchema, type ValidSceneInput } from '../contract/scene-input';
import { legacySceneWorkflowId } from '../contract/workflow-ids';
import { attachable } from './start-or-attach';
import {
  identityMismatchMessage,
  sameScene,
  sceneIdentity,
  sceneIdentityMemoKey,
  type SceneIdentity,
} from '../domain/scene-identity';

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
  if (description.type !== sceneWorkflowType) return undefined;
  const memo = description.memo?.[sceneIdentityMemoKey];
  if (isIdentity(memo)) return memo;
  const { input } = await runStart(client, description);
  return input ? sceneIdentity(input) : undefined;
}

/** What a run's history says about how it started. */
export interface RunStart {
  /** The validated input the run started with (its first event); undefined when it cannot be read as a scene's. */
  input?: ValidSceneInput;
  /** The ids of the `patched()` markers in its history: which code paths the run took (and replays). */
  patches: Set<string>;
}

/** Reads a run's history once: the input it started with and the patch markers it wrote. */
export async function runStart(client: Client, description: WorkflowExecutionDescription): Promise<RunStart> {
  const history = await client.workflow.getHandle(description.workflowId, description.runId).fetchHistory();
  const converter = client.workflow.options.loadedDataConverter.payloadConverter;
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const parsed = sceneInputSchema.safeParse(fromPayloadsAtIndex(converter, 0, payloads));
  return { input: parsed.success ? parsed.data : undefined, patches: historyPatches(history, converter) };
}

/** The ids of the patch markers (`core_patch`) a history holds; an unreadable marker is skipped. */
export function historyPatches(history: temporal.api.history.v1.IHistory, converter: PayloadConverter): Set<string> {
  const patches = new Set<string>();
  for (const event of history.events ?? []) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') continue;
    try {
      const patch = fromPayloadsAtIndex(converter, 0, marker.details?.['patch-data']?.payloads) as { id?: unknown };
      if (typeof patch?.id === 'string') patches.add(patch.id);
    } catch {
      // Not a marker this SDK wrote: it names no patch.
    }
  }
  return patches;
}

/**
 * The run of this scene under its old-format id (`scene-video-{projectId}-{sceneId}`, before ids became unambiguous),
 * if one is running or succeeded. The old id may equally belong to the other scene of a colliding pair (project `acme`
 * scene `summer-hook` vs project `acme-summer` scene `hook`): such a run is not this scene's, and undefined is returned.
 * `sameContent` false means this scene id ran there with other content: a caller refuses it, as under the new id.
 */
export async function legacySceneRun(
  client: Client,
  identity: SceneIdentity,
): Promise<
  | { workflowId: string; description: WorkflowExecutionDescription; existing: SceneIdentity; sameContent: boolean }
  | undefined
> {
  const workflowId = legacySceneWorkflowId(identity.sceneId, identity.projectId);
  const description = await attachable(client, workflowId);
  if (!description) return undefined;
  const existing = await runSceneIdentity(client, description);
  if (existing?.sceneId !== identity.sceneId || (existing.projectId ?? null) !== (identity.projectId ?? null))
    return undefined;
  return { workflowId, description, existing, sameContent: existing.inputHash === identity.inputHash };
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
