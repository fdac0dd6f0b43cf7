import type { S3Client } from '@aws-sdk/client-s3';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { sceneWorkflowType, type SceneVideoResult, type SceneWorkflow } from '../contract/scene-workflow';
import {
  checkPresignedExpiry,
  presignedGetUrl,
  presignedUrlExpiresAt,
  presignedUrlExpiry,
  storedObjectOf,
  type StoredObject,
} from './object-urls';

export interface PresignedClip extends StoredObject {
  url: string;
  /** When the URL stops working (ISO-8601): signed at most this long before it. */
  expiresAt: string;
}

/** Why a scene has no clip to presign: its `reason` says which, its message what to do next. */
export class SceneClipUnavailableError extends Error {
  override readonly name = 'SceneClipUnavailableError';
  constructor(
    readonly workflowId: string,
    readonly reason: 'not-found' | 'not-a-scene' | 'running' | 'not-completed' | 'unstored',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A presigned GET URL for a finished scene's stored clip, valid for `expiresInSec` (1 s to 7 days; an hour unless
 * told), made now from the scene's result and never stored: anyone holding it may fetch the clip until it expires. The
 * bucket and key come from the result's `s3Url`; `s3` must hold credentials that may read them. Throws a RangeError for
 * a bad expiry (before any call), and a SceneClipUnavailableError when the scene does not exist, is still running,
 * ended without a result, or left its clip unstored.
 */
export async function presignedSceneClipUrl(
  client: Client,
  s3: S3Client,
  workflowId: string,
  { expiresInSec = presignedUrlExpiry.defaultSec }: { expiresInSec?: number } = {},
): Promise<PresignedClip> {
  checkPresignedExpiry(expiresInSec);
  const object = storedObject(workflowId, await finishedSceneResult(client, workflowId));
  const expiresAt = presignedUrlExpiresAt(Date.now(), expiresInSec);
  return { url: await presignedGetUrl(s3, object, expiresInSec), expiresAt, ...object };
}

async function finishedSceneResult(client: Client, workflowId: string): Promise<SceneVideoResult> {
  const handle = client.workflow.getHandle<SceneWorkflow>(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    throw new SceneClipUnavailableError(
      workflowId,
      'not-found',
      `No scene workflow "${workflowId}" in this namespace: check the id (scene-video:<projectId or _>:<sceneId>) and the namespace.`,
    );
  }
  if (description.type !== sceneWorkflowType) {
    throw new SceneClipUnavailableError(
      workflowId,
      'not-a-scene',
      `Workflow "${workflowId}" is a ${description.type}, not a scene: ask for one of its scenes (scene-video:<projectId>:<sceneId>).`,
    );
  }
  const status = description.status.name;
  if (status === 'RUNNING') {
    throw new SceneClipUnavailableError(
      workflowId,
      'running',
      `Scene "${workflowId}" is still running: its clip has no URL until it is stored; wait for it (scene-video status ${workflowId} --watch).`,
    );
  }
  if (status !== 'COMPLETED') {
    throw new SceneClipUnavailableError(
      workflowId,
      'not-completed',
      `Scene "${workflowId}" ended ${status}, so no clip was stored (scene-video status ${workflowId} says why).`,
    );
  }
  return handle.result();
}

function storedObject(workflowId: string, result: SceneVideoResult): StoredObject {
  const object = result.stored && result.s3Url ? storedObjectOf(result.s3Url) : undefined;
  if (!object) {
    throw new SceneClipUnavailableError(
      workflowId,
      'unstored',
      `Scene "${workflowId}" generated its clip but S3 did not take it: only its provider URL holds it, and that expires (providerVideoUrl in its result).`,
    );
  }
  return object;
}
