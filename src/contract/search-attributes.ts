import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/** Custom search attributes every scene workflow upserts; the stack registers them at server start. */
export const searchAttributes = {
  projectId: defineSearchAttributeKey('ProjectId', SearchAttributeType.KEYWORD),
  sceneId: defineSearchAttributeKey('SceneId', SearchAttributeType.KEYWORD),
  sceneType: defineSearchAttributeKey('SceneType', SearchAttributeType.KEYWORD),
  videoProvider: defineSearchAttributeKey('VideoProvider', SearchAttributeType.KEYWORD),
  /**
   * ranking, generating, uploading, then one of: succeeded (stored in S3), unstored (generated and paid for, but only
   * the provider's expiring URL holds it), failed, cancelled.
   */
  videoStatus: defineSearchAttributeKey('VideoStatus', SearchAttributeType.KEYWORD),
  costUsd: defineSearchAttributeKey('CostUsd', SearchAttributeType.DOUBLE),
} as const;

export const allSearchAttributeKeys = Object.values(searchAttributes);
export type SceneVideoSearchAttributeKey = (typeof allSearchAttributeKeys)[number];

/**
 * What a scene is, set when it is started (by the client, or by the project as a child) so the workflow does not spend
 * a history event and a visibility write on it; a scene started some other way upserts them itself.
 */
export function sceneStartAttributes(scene: {
  sceneId: string;
  sceneType: string;
  projectId?: string;
}): SearchAttributePair[] {
  return [
    { key: searchAttributes.sceneId, value: scene.sceneId },
    { key: searchAttributes.sceneType, value: scene.sceneType },
    { key: searchAttributes.videoStatus, value: 'ranking' },
    ...(scene.projectId ? [{ key: searchAttributes.projectId, value: scene.projectId }] : []),
  ];
}
