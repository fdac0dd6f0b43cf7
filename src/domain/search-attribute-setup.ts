import type { SearchAttributeType } from '@temporalio/common';
import { allSearchAttributeKeys, type SceneVideoSearchAttributeKey } from '../contract/search-attributes';

/** How Temporal's CLI, tcld and the Web UI spell each type. */
export const searchAttributeTypeNames: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** A type as a person reads it; a type this SDK does not know is shown as the server named it. */
export function typeName(type: string): string {
  return searchAttributeTypeNames[type as SearchAttributeType] ?? type;
}

/** An attribute the namespace has under one of our names but with another type. */
export interface SearchAttributeConflict {
  name: string;
  expected: SearchAttributeType;
  /** A `SearchAttributeType`, or the server's own name for a type this SDK does not know. */
  actual: string;
}

/** What the namespace has of the attributes scene-video needs, in the contract's order. */
export interface SearchAttributePlan {
  present: SceneVideoSearchAttributeKey[];
  missing: SceneVideoSearchAttributeKey[];
  conflicts: SearchAttributeConflict[];
}

/** `registered`: the namespace's custom attributes, name → type, as ListSearchAttributes reports them. */
export function planSearchAttributes(registered: Readonly<Record<string, string>>): SearchAttributePlan {
  const plan: SearchAttributePlan = { present: [], missing: [], conflicts: [] };
  for (const key of allSearchAttributeKeys) {
    const actual = Object.hasOwn(registered, key.name) ? registered[key.name] : undefined;
    if (actual === undefined) plan.missing.push(key);
    else if (actual === key.type) plan.present.push(key);
    else plan.conflicts.push({ name: key.name, expected: key.type, actual });
  }
  return plan;
}

export function isComplete(plan: SearchAttributePlan): boolean {
  return plan.missing.length === 0 && plan.conflicts.length === 0;
}

/**
 * Temporal Cloud's gRPC endpoints: `<namespace>.<account>.tmprl.cloud` (mTLS) and `<region>.<cloud>.api.temporal.io`
 * (API keys). Its namespaces take search attributes only through its control plane (tcld, the Web UI, Terraform), not
 * through the Operator service a self-hosted cluster offers.
 */
export function isTemporalCloudAddress(address: string): boolean {
  return /\.(tmprl\.cloud|api\.temporal\.io)(:\d+)?$/i.test(address.trim());
}

/** A word the shell passes on as it is; anything else single-quoted. */
function shellWord(word: string): string {
  return /^[\w.@%+=:,/-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The tcld command that adds `keys` to a Temporal Cloud namespace: one command, because each run is an asynchronous
 * update of the namespace and a second one started before the first finished is refused. Syntax from tcld's source
 * (github.com/temporalio/tcld, app/namespace.go at f89fc4a: `namespace search-attributes add`, `--namespace`,
 * repeatable `--search-attribute "name=type"`) and its reference page
 * (docs.temporal.io/cloud/tcld/namespace/search-attributes/add). tcld refuses the whole command when one of the names
 * already exists.
 */
export function tcldAddCommand(namespace: string, keys: readonly SceneVideoSearchAttributeKey[]): string {
  const attributes = keys.map((k) => `--search-attribute "${k.name}=${searchAttributeTypeNames[k.type]}"`);
  return ['tcld namespace search-attributes add --namespace', shellWord(namespace), ...attributes].join(' ');
}

/**
 * The Temporal CLI command (v1.x) that adds `keys` to a self-hosted namespace: one `--type` per `--name`, because the
 * CLI pairs them by position and silently drops names beyond the types given (temporalcli's
 * commands.operator_search_attribute.go; seen on v1.5.1: `--type Keyword --name A --name B` created only A).
 */
export function temporalCliCreateCommands(namespace: string, keys: readonly SceneVideoSearchAttributeKey[]): string[] {
  return [
    [
      'temporal operator search-attribute create --namespace',
      shellWord(namespace),
      ...keys.map((k) => `--name ${k.name} --type ${searchAttributeTypeNames[k.type]}`),
    ].join(' '),
  ];
}

/**
 * What to do about an attribute of the wrong type. Never changed for you: another application may write it, and
 * removing it drops its values from every workflow in the namespace. (tcld's `search-attributes remove`: app/namespace.go
 * as above.)
 */
export function conflictFix(namespace: string, conflict: SearchAttributeConflict, cloud: boolean): string {
  const remove = cloud
    ? `tcld namespace search-attributes remove --namespace ${shellWord(namespace)} --search-attribute ${conflict.name}`
    : `temporal operator search-attribute remove --namespace ${shellWord(namespace)} --name ${conflict.name} --yes`;
  return (
    `if nothing else uses ${conflict.name}, remove it (\`${remove}\`) and run \`scene-video setup\` again; ` +
    'otherwise set TEMPORAL_NAMESPACE to a namespace of its own'
  );
}

function names(keys: readonly { name: string }[]): string {
  return keys.map((k) => k.name).join(', ');
}

function wrongTypes(conflicts: readonly SearchAttributeConflict[]): string {
  return conflicts
    .map((c) => `${c.name} is ${typeName(c.actual)}, not ${searchAttributeTypeNames[c.expected]}`)
    .join('; ');
}

/** The one line a worker or client fails with when the namespace is not set up; empty when it is. */
export function setupProblem(namespace: string, plan: SearchAttributePlan): string {
  const { missing, conflicts } = plan;
  const lacks = `the search attribute${missing.length === 1 ? '' : 's'} ${names(missing)}`;
  if (conflicts.length === 0) {
    if (missing.length === 0) return '';
    return (
      `Namespace ${namespace} lacks ${lacks} that scene-video needs: run \`scene-video setup\` ` +
      '(Temporal Cloud: it prints the tcld command).'
    );
  }
  return (
    `Namespace ${namespace} has search attributes of the wrong type for scene-video: ${wrongTypes(conflicts)}` +
    (missing.length === 0 ? '' : `; and it lacks ${lacks}`) +
    ': `scene-video setup` never changes a type; run it to see how to fix this, or set TEMPORAL_NAMESPACE to a ' +
    'namespace of its own.'
  );
}
