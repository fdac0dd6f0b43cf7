import type { SearchAttributePair, SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { sceneStartAttributes } from '../contract/search-attributes';
import type { ValidSceneInput } from '../contract/scene-input';

/**
 * The scene's search attributes as the Web UI lists them. Each upsert is a history event and a visibility write, so the
 * start attributes a starter left out ride along with the first status change instead of costing one of their own.
 */
export class SceneAttributes {
  private missing: SearchAttributePair[];

  constructor(input: ValidSceneInput) {
    const present = workflowInfo().typedSearchAttributes;
    this.missing = sceneStartAttributes(input).filter((pair) => present.get(pair.key) === undefined);
  }

  set(...pairs: SearchAttributeUpdatePair[]): void {
    const updates = [...this.missing.filter((m) => !pairs.some((p) => p.key.name === m.key.name)), ...pairs];
    this.missing = [];
    upsertSearchAttributes(updates);
  }
}
