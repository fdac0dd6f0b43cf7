import type { SearchAttributePair } from '@temporalio/common';
import { upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SceneViews } from '../domain/scene-ledger';

/** Where the scene ledger's views leave the workflow: one search-attribute upsert, then the memo when it changed. */
export function publishViews(views: SceneViews): void {
  upsertSearchAttributes(views.searchAttributes);
  if (views.memo) upsertMemo(views.memo);
}

/** The run was started with this attribute set (by the client, or by the project as a child). */
export function startedWith(pair: SearchAttributePair): boolean {
  return workflowInfo().typedSearchAttributes.get(pair.key) !== undefined;
}
