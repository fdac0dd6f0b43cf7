import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { allSearchAttributeKeys } from '../../src/contract/search-attributes';

/**
 * Stands in for `scene-video setup` on a build that does not have it yet: registers the six custom search attributes
 * the scene workflows upsert. Delete this file once every build has `setup` (the run then always takes that path).
 */
export async function registerSearchAttributesWithoutSetupCommand(
  connection: Connection,
  namespace: string,
): Promise<void> {
  const types = temporal.api.enums.v1.IndexedValueType;
  const indexed: Record<string, temporal.api.enums.v1.IndexedValueType> = {
    KEYWORD: types.INDEXED_VALUE_TYPE_KEYWORD,
    DOUBLE: types.INDEXED_VALUE_TYPE_DOUBLE,
  };
  const searchAttributes = Object.fromEntries(
    allSearchAttributeKeys.map((key) => {
      const type = indexed[key.type];
      if (type === undefined) throw new Error(`no indexed value type for search attribute ${key.name} (${key.type})`);
      return [key.name, type];
    }),
  );
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}
