import { isGrpcServiceError, type ConnectionLike, type OperatorService } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { SceneVideoSearchAttributeKey } from '../contract/search-attributes';
import {
  isComplete,
  planSearchAttributes,
  setupProblem,
  type SearchAttributePlan,
} from '../domain/search-attribute-setup';

const { IndexedValueType } = temporal.api.enums.v1;

/** What these calls need of a client's `Connection` or a worker's `NativeConnection`. */
export interface OperatorConnection {
  operatorService: Pick<OperatorService, 'listSearchAttributes' | 'addSearchAttributes'>;
  withDeadline: ConnectionLike['withDeadline'];
}

/** A worker's NativeConnection retries UNAVAILABLE on its own; this bounds how long a start may wait on it. */
const callTimeoutMs = 10_000;

/**
 * gRPC codes by which a server declines the Operator service rather than answers: Temporal Cloud refuses it to API keys
 * and certificates ("NOT compatible with Temporal Cloud … gRPC unauthorized", @temporalio/client's NativeConnection
 * docs), and a self-hosted cluster's authorizer may refuse it to a caller without the admin role.
 */
const refusals = new Set([7, 12, 16]);
const codeNames: Record<number, string> = {
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  12: 'UNIMPLEMENTED',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

/** A failure named by its gRPC code, never by its message, which may quote the request. */
export function codeName(err: unknown): string {
  if (!isGrpcServiceError(err)) return err instanceof Error ? err.name : 'error';
  return codeNames[err.code] ?? `gRPC code ${err.code}`;
}

function refusal(err: unknown): string | undefined {
  return isGrpcServiceError(err) && refusals.has(err.code) ? codeName(err) : undefined;
}

const typeOfIndexedValue = new Map<number, SearchAttributeType>(
  Object.values(SearchAttributeType).map((type) => [IndexedValueType[`INDEXED_VALUE_TYPE_${type}`], type]),
);

function indexedValueTypeOf(type: SearchAttributeType): temporal.api.enums.v1.IndexedValueType {
  return IndexedValueType[`INDEXED_VALUE_TYPE_${type}`];
}

export type Listing = { registered: Record<string, string> } | { refused: string };

/**
 * The namespace's custom search attributes, name → `SearchAttributeType` (or the server's name for a type this SDK
 * does not know), or the code the server refused the call with. Other failures are thrown as they came.
 */
export async function listCustomSearchAttributes(conn: OperatorConnection, namespace: string): Promise<Listing> {
  try {
    const { customAttributes } = await conn.withDeadline(Date.now() + callTimeoutMs, () =>
      conn.operatorService.listSearchAttributes({ namespace }),
    );
    const registered = Object.entries(customAttributes ?? {}).map(([name, type]): [string, string] => [
      name,
      typeOfIndexedValue.get(type) ?? IndexedValueType[type] ?? `type ${type}`,
    ]);
    return { registered: Object.fromEntries(registered) };
  } catch (err) {
    const refused = refusal(err);
    if (refused) return { refused };
    throw err;
  }
}

/** Adds `keys` to the namespace; returns the code the server refused with, if it did. */
export async function addCustomSearchAttributes(
  conn: OperatorConnection,
  namespace: string,
  keys: readonly SceneVideoSearchAttributeKey[],
): Promise<{ refused?: string }> {
  const searchAttributes = Object.fromEntries(keys.map((k) => [k.name, indexedValueTypeOf(k.type)]));
  try {
    await conn.withDeadline(Date.now() + callTimeoutMs, () =>
      conn.operatorService.addSearchAttributes({ namespace, searchAttributes }),
    );
    return {};
  } catch (err) {
    const refused = refusal(err);
    if (refused) return { refused };
    throw err;
  }
}

/** The namespace lacks search attributes scene-video writes, or has one with another type; `message` is one line. */
export class NamespaceSetupError extends Error {
  override name = 'NamespaceSetupError';

  constructor(
    readonly namespace: string,
    readonly plan: SearchAttributePlan,
  ) {
    super(setupProblem(namespace, plan));
  }
}

/** `refused`: the server declined the call (see `refusals`) rather than failed it; `reason` is the gRPC code's name. */
export type SetupCheck = { checked: true } | { checked: false; refused: boolean; reason: string };

/**
 * Throws NamespaceSetupError when the server lists the namespace's search attributes and one of ours is missing or of
 * another type, so a worker or client fails at start in one line rather than at the first scene with
 * "no mapping defined for search attribute". Only a listing fails the check. A refusal (Temporal Cloud: there is no
 * other way to read the types, since DescribeNamespace carries only the names of attributes, mapped to storage
 * columns whose naming is the server's business) or any other failure (unreachable, no such namespace, deadline)
 * skips it, and the first real call reports those as it always did.
 */
export async function checkNamespaceSetup(conn: OperatorConnection, namespace: string): Promise<SetupCheck> {
  let listing: Listing;
  try {
    listing = await listCustomSearchAttributes(conn, namespace);
  } catch (err) {
    return { checked: false, refused: false, reason: codeName(err) };
  }
  if ('refused' in listing) return { checked: false, refused: true, reason: listing.refused };
  const plan = planSearchAttributes(listing.registered);
  if (!isComplete(plan)) throw new NamespaceSetupError(namespace, plan);
  return { checked: true };
}
