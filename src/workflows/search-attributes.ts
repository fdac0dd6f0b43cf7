import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes every scene workflow upserts; the stack registers them at server start. */
export const searchAttributes = {
  projectId: defineSearchAttributeKey('ProjectId', SearchAttributeType.KEYWORD),
  sceneId: defineSearchAttributeKey('SceneId', SearchAttributeType.KEYWORD),
  sceneType: defineSearchAttributeKey('SceneType', SearchAttributeType.KEYWORD),
  videoProvider: defineSearchAttributeKey('VideoProvider', SearchAttributeType.KEYWORD),
  videoStatus: defineSearchAttributeKey('VideoStatus', SearchAttributeType.KEYWORD),
  costUsd: defineSearchAttributeKey('CostUsd', SearchAttributeType.DOUBLE),
} as const;

export const allSearchAttributeKeys = Object.values(searchAttributes);
