import {
  addCustomSearchAttributes,
  listCustomSearchAttributes,
  type OperatorConnection,
} from '../../config/namespace-search-attributes';
import { allSearchAttributeKeys, type SceneVideoSearchAttributeKey } from '../../contract/search-attributes';
import {
  conflictFix,
  isTemporalCloudAddress,
  planSearchAttributes,
  searchAttributeTypeNames,
  tcldAddCommand,
  temporalCliCreateCommands,
  typeName,
  type SearchAttributePlan,
} from '../../domain/search-attribute-setup';
import type { Command } from '../command';
import { exitCodes, type ExitCode } from '../errors';
import { table } from '../output';
import { withTemporal } from '../session';

export interface SetupRequest {
  namespace: string;
  temporalCloud: boolean;
  /** Report only. */
  check: boolean;
}

export interface SetupOutcome extends SetupRequest {
  /** What the namespace had before this run; absent when the server refused to list it. */
  plan?: SearchAttributePlan;
  added: SceneVideoSearchAttributeKey[];
  refused?: { call: 'ListSearchAttributes' | 'AddSearchAttributes'; code: string };
}

/**
 * Lists the namespace's search attributes and adds the missing ones, unless only checking, on Temporal Cloud (whose
 * namespaces take them through its control plane only), or refused. An attribute of another type is never touched.
 */
export async function setUpNamespace(conn: OperatorConnection, req: SetupRequest): Promise<SetupOutcome> {
  const listing = await listCustomSearchAttributes(conn, req.namespace);
  if ('refused' in listing) {
    return { ...req, added: [], refused: { call: 'ListSearchAttributes', code: listing.refused } };
  }
  const plan = planSearchAttributes(listing.registered);
  if (plan.missing.length === 0 || req.check || req.temporalCloud) return { ...req, plan, added: [] };
  const { refused } = await addCustomSearchAttributes(conn, req.namespace, plan.missing);
  if (refused) return { ...req, plan, added: [], refused: { call: 'AddSearchAttributes', code: refused } };
  return { ...req, plan, added: plan.missing };
}

export interface AttributeState {
  name: string;
  type: string;
  state: 'present' | 'added' | 'missing' | 'wrong type' | 'unknown';
  /** For `wrong type`: the type the namespace has. */
  actualType?: string;
  /** For `wrong type`: what to do. */
  fix?: string;
}

export interface SetupReport {
  attributes: AttributeState[];
  changed: boolean;
  /** The commands that add what is still missing: tcld for Temporal Cloud, the Temporal CLI's for a self-hosted one. */
  commands: { tcld?: string; temporal?: string[] };
  /** What happened and what to do next, in sentences (an attribute of the wrong type: its `fix`). */
  summary: string[];
  exitCode: ExitCode;
}

const names = (keys: readonly SceneVideoSearchAttributeKey[]) => keys.map((k) => k.name).join(', ');

export function setupReport(outcome: SetupOutcome): SetupReport {
  const { namespace, plan, added, refused, temporalCloud } = outcome;
  const attributes = allSearchAttributeKeys.map((key): AttributeState => {
    const row = { name: key.name, type: searchAttributeTypeNames[key.type] };
    if (plan === undefined) return { ...row, state: 'unknown' };
    const conflict = plan.conflicts.find((c) => c.name === key.name);
    if (conflict) {
      const fix = conflictFix(namespace, conflict, temporalCloud);
      return { ...row, state: 'wrong type', actualType: typeName(conflict.actual), fix };
    }
    if (added.includes(key)) return { ...row, state: 'added' };
    return { ...row, state: plan.present.includes(key) ? 'present' : 'missing' };
  });
  // All of them when the listing was refused: which exist is unknown.
  const outstanding = allSearchAttributeKeys.filter(
    (k) => plan === undefined || (plan.missing.includes(k) && !added.includes(k)),
  );
  const commands: SetupReport['commands'] = {};
  const summary: string[] = [];
  const tcldIntro = 'Add them with tcld (after `tcld login`):';
  if (refused) {
    summary.push(
      refused.call === 'ListSearchAttributes'
        ? `The server refused to list the namespace's search attributes (${refused.code}), so nothing was read or changed.`
        : `The server refused to add ${names(outstanding)} (${refused.code}), so nothing was changed.`,
      temporalCloud
        ? tcldIntro
        : 'Someone with the admin role can add them with the Temporal CLI, which reads the same TEMPORAL_* settings; ' +
            'or, if this is Temporal Cloud behind an address of your own, with tcld (after `tcld login`):',
    );
    if (plan === undefined) {
      summary.push(
        'Not knowing which exist, these name all of them; tcld refuses the whole command if one does: drop it.',
      );
    }
    if (!temporalCloud) commands.temporal = temporalCliCreateCommands(namespace, outstanding);
    commands.tcld = tcldAddCommand(namespace, outstanding);
  } else if (outstanding.length > 0 && temporalCloud) {
    summary.push(
      `Temporal Cloud: its namespaces take search attributes only through its control plane, so nothing was changed. ` +
        `Missing: ${names(outstanding)}. ${tcldIntro}`,
    );
    commands.tcld = tcldAddCommand(namespace, outstanding);
  } else if (outstanding.length > 0) {
    summary.push(`--check: nothing changed. Missing: ${names(outstanding)}; \`scene-video setup\` adds them.`);
  } else if (added.length > 0) {
    summary.push(`Added ${names(added)}.`);
  }
  const conflicts = attributes.filter((a) => a.state === 'wrong type');
  if (plan !== undefined && outstanding.length === 0 && conflicts.length === 0) {
    summary.push(
      added.length > 0
        ? `Namespace ${namespace} is ready for scene-video.`
        : `All ${allSearchAttributeKeys.length} search attributes scene-video needs are present; nothing to do.`,
    );
  }
  const exitCode =
    conflicts.length > 0 ? exitCodes.failed : outstanding.length > 0 ? exitCodes.setupNeeded : exitCodes.ok;
  return { attributes, changed: added.length > 0, commands, summary, exitCode };
}

const attributeList = allSearchAttributeKeys.map((k) => `${k.name} (${searchAttributeTypeNames[k.type]})`).join(', ');

export const setupCommand: Command = {
  name: 'setup',
  summary: 'Create the search attributes scene-video needs in the namespace (Temporal Cloud: print the tcld command)',
  usage: {
    positionals: [],
    options: {
      check: { type: 'boolean', description: 'Only report what is missing or of the wrong type; change nothing' },
    },
    details: [
      `Scene workflows write ${attributeList}.`,
      'This adds the missing ones to TEMPORAL_NAMESPACE through the Operator service, as `temporal operator',
      'search-attribute create` does; present ones are left alone, so it is safe to run again. One that exists with',
      'another type is reported with what to do, and never changed.',
      'On Temporal Cloud (an address ending in .tmprl.cloud or .api.temporal.io), or when the server refuses, nothing is',
      'changed and it prints the command that adds the missing ones (tcld, or the Temporal CLI for an admin).',
      'Workers and clients check the same at start and refuse, in one line, a namespace that lacks them.',
      'Exit codes: 0 all present (or added), 1 one has the wrong type (or an operational error), 5 some are still',
      'missing and nothing was changed (--check, Temporal Cloud, refused).',
    ],
    examples: ['scene-video setup', 'scene-video setup --check --json', 'TEMPORAL_NAMESPACE=videos scene-video setup'],
  },
  async run(args, { out, env }) {
    const check = args.flag('check');
    return withTemporal(
      env,
      async ({ client }, { temporal }) => {
        const temporalCloud = isTemporalCloudAddress(temporal.address);
        const outcome = await setUpNamespace(client.connection, {
          namespace: temporal.namespace,
          temporalCloud,
          check,
        });
        const report = setupReport(outcome);
        out.emit(
          {
            namespace: temporal.namespace,
            address: temporal.address,
            temporalCloud,
            check,
            changed: report.changed,
            attributes: report.attributes,
            ...(outcome.refused ? { refused: outcome.refused } : {}),
            commands: report.commands,
            summary: report.summary,
          },
          () => {
            const where = `${temporal.address}${temporalCloud ? ', Temporal Cloud' : ''}`;
            const rows = report.attributes.map((a) => [
              a.name,
              a.type,
              a.state === 'wrong type' ? out.paint.red(`wrong type: ${a.actualType}`) : a.state,
            ]);
            const commandLines = [report.commands.temporal ?? [], report.commands.tcld ?? []].flat();
            const fixes = report.attributes.flatMap((a) =>
              a.fix ? [`${a.name} is ${a.actualType}, but scene-video needs ${a.type}: left as it is; ${a.fix}.`] : [],
            );
            return [
              `Search attributes of namespace ${temporal.namespace} (${where}):`,
              table([{ header: 'NAME' }, { header: 'TYPE' }, { header: 'STATE' }], rows, '  '),
              ...report.summary,
              ...commandLines.map((c) => `  ${c}`),
              ...fixes,
            ].join('\n');
          },
        );
        return report.exitCode;
      },
      { checkSearchAttributes: false },
    );
  },
};
