import { listProviderGates, setProviderGateLimit } from '../../client/provider-gates';
import type { GateView } from '../../contract/provider-gate';
import type { Command } from '../command';
import { UsageError, exitCodes } from '../errors';
import { seconds } from '../format';
import { table } from '../output';
import { noSetupCheck, withTemporal } from '../session';

export const gatesCommand: Command = {
  name: 'gates',
  summary:
    "Show every provider gate: in-flight limit, leases held, scenes waiting, circuit breaker; set a gate's limit",
  usage: {
    positionals: [],
    options: {
      'set-limit': {
        type: 'string',
        value: '<provider>=<n|catalogue>',
        description:
          "Set the fleet's in-flight limit for a provider on TEMPORAL_TASK_QUEUE at run time (catalogue: undo)",
      },
    },
    details: [
      'A gate runs per task queue and catalogue entry once a scene asks it: for entries with maxInFlight or whose',
      "account reports a concurrency (Runway's, read by the worker), and for every entry while the circuit breaker is",
      'on (PROVIDER_BREAKER_FAILURES > 0). A limit set here wins over those until set back with `<provider>=catalogue`;',
      'it takes no lease back, it only grants none above it.',
    ],
    examples: ['scene-video gates', 'scene-video gates --set-limit runway=3'],
  },
  async run(args, { out, env }) {
    const setting = args.string('set-limit');
    const change = setting === undefined ? undefined : parseLimit(setting);
    return withTemporal(
      env,
      async ({ client, taskQueue }) => {
        if (change) {
          const view = await setProviderGateLimit(client, { taskQueue, provider: change.provider }, change.limit);
          out.emit(view, () => renderGates([view]));
          return exitCodes.ok;
        }
        const gates = await listProviderGates(client);
        out.emit(gates, () => (gates.length === 0 ? 'No provider gate is running.' : renderGates(gates)));
        return exitCodes.ok;
      },
      noSetupCheck,
    );
  },
};

function parseLimit(setting: string): { provider: string; limit: number | null } {
  const match = /^([a-z][a-z0-9-]*)=(\d+|catalogue)$/.exec(setting.trim());
  const limit = match?.[2] === 'catalogue' ? null : Number(match?.[2]);
  if (!match || (limit !== null && limit < 1))
    throw new UsageError(
      `--set-limit takes <provider>=<n> with n ≥ 1, or <provider>=catalogue; got "${setting}"`,
      'e.g. --set-limit runway=3; `scene-video gates` lists the gates.',
    );
  return { provider: match[1]!, limit };
}

function circuit(view: GateView, now = Date.now()): string {
  const c = view.circuit;
  if (c.state === 'closed') return view.breaker ? `closed (${view.failures.length} recent failures)` : 'off';
  if (c.state === 'half-open') return `half-open, ${c.probe ? 'probe in flight' : 'next scene probes'}: ${c.reason}`;
  return `open for ${seconds(Math.max(0, c.until - now))} more: ${c.reason}`;
}

export function renderGates(gates: GateView[]): string {
  return table(
    [
      { header: 'TASK QUEUE' },
      { header: 'PROVIDER' },
      { header: 'LIMIT (tasks)', align: 'right' },
      { header: 'HOLDING', align: 'right' },
      { header: 'WAITING', align: 'right' },
      { header: 'GRANTED', align: 'right' },
      { header: 'REFUSED', align: 'right' },
      { header: 'CIRCUIT' },
    ],
    gates.map((g) => [
      g.taskQueue,
      g.provider,
      g.limit === null ? '–' : `${g.limit}${g.operatorLimit !== undefined ? ' (set)' : ''}`,
      String(g.holders.length),
      String(g.waiters.length),
      String(g.granted),
      String(g.refused),
      circuit(g),
    ]),
  );
}
