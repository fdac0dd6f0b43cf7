import { sceneWorkflowType } from '../../contract/scene-workflow';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { roundUsd } from '../../domain/pricing';
import { businessIdSchema } from '../../contract/scene-input';
import { searchAttributes } from '../../contract/search-attributes';
import type { Command } from '../command';
import { exitCodes } from '../errors';
import { usd, usdAmount } from '../format';
import { table } from '../output';
import { noSetupCheck, withTemporal } from '../session';

const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

function parseSince(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(text.trim());
  return m ? Number(m[1]) * units[m[2]!]! : undefined;
}

interface SpendGroup {
  key: string;
  scenes: number;
  succeeded: number;
  /** Generated and paid for, but not stored in S3 (VideoStatus `unstored`). */
  notStored: number;
  failed: number;
  usd: number;
}

/** Spend grouped one way; every closed scene counts once, in the group its attribute names. */
function groupBy(scenes: WorkflowExecutionInfo[], keyOf: (s: WorkflowExecutionInfo) => string): SpendGroup[] {
  const groups = new Map<string, SpendGroup>();
  for (const s of scenes) {
    const key = keyOf(s);
    const g = groups.get(key) ?? { key, scenes: 0, succeeded: 0, notStored: 0, failed: 0, usd: 0 };
    g.scenes++;
    const status = s.typedSearchAttributes.get(searchAttributes.videoStatus);
    if (status === 'succeeded') g.succeeded++;
    else if (status === 'unstored') g.notStored++;
    else if (status === 'failed' || status === 'cancelled') g.failed++;
    g.usd = roundUsd(g.usd + (s.typedSearchAttributes.get(searchAttributes.costUsd) ?? 0));
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.usd - a.usd || a.key.localeCompare(b.key));
}

const attributionNote =
  "CostUsd is each scene's total across its attempts; it is attributed to the scene's last provider (VideoProvider), " +
  'so money billed by a provider that failed before a fallback shows under the provider that finished.';

export const costCommand: Command = {
  name: 'cost',
  summary: "Spend by provider and by scene type, from the workflows' search attributes (visibility API)",
  usage: {
    positionals: [],
    options: {
      since: {
        type: 'string',
        value: '<30m|24h|7d|2w>',
        description: 'Scenes started within this window (default 7d)',
      },
      project: { type: 'string', value: '<id>', description: "Only this project's scenes" },
    },
    details: [
      'Counts scene workflows (generateSceneVideo) started in the window. A scene records its cost (CostUsd) when it',
      'finishes, so running scenes are listed separately and not in the totals. FAILED counts failed and cancelled',
      'scenes; NOT STORED counts scenes generated (and paid for) whose clip S3 did not take.',
      attributionNote,
    ],
    examples: ['scene-video cost --since 24h', 'scene-video cost --project launch --json'],
  },
  async run(args, { out, env }) {
    const sinceText = args.string('since') ?? '7d';
    const windowMs = parseSince(sinceText);
    if (windowMs === undefined) {
      throw args.usage(`--since must be a number and a unit m, h, d or w (e.g. 30m, 24h, 7d), got "${sinceText}"`);
    }
    const projectId = args.string('project');
    if (projectId !== undefined && !businessIdSchema.safeParse(projectId).success) {
      throw args.usage(`--project must be a project id (1–64 letters, digits, ".", "_", "-"), got "${projectId}"`);
    }
    const since = new Date(Date.now() - windowMs).toISOString();
    const query = `WorkflowType = "${sceneWorkflowType}" AND StartTime > "${since}"${projectId ? ` AND ProjectId = "${projectId}"` : ''}`;

    return withTemporal(
      env,
      async ({ client }) => {
        const finished: WorkflowExecutionInfo[] = [];
        let running = 0;
        for await (const wf of client.workflow.list({ query })) {
          if (wf.typedSearchAttributes.get(searchAttributes.costUsd) === undefined && wf.status.name === 'RUNNING')
            running++;
          else finished.push(wf);
        }
        const byProvider = groupBy(
          finished,
          (s) => s.typedSearchAttributes.get(searchAttributes.videoProvider) ?? '(none)',
        );
        const bySceneType = groupBy(
          finished,
          (s) => s.typedSearchAttributes.get(searchAttributes.sceneType) ?? '(unknown)',
        );
        const total = { scenes: finished.length, usd: roundUsd(byProvider.reduce((sum, g) => sum + g.usd, 0)) };
        const report = {
          since,
          projectId,
          query,
          total,
          byProvider,
          bySceneType,
          runningScenes: running,
          note: attributionNote,
        };

        out.emit(report, () => {
          const spendTable = (title: string, groups: SpendGroup[]) =>
            table(
              [
                { header: title },
                { header: 'SCENES', align: 'right' },
                { header: 'SUCCEEDED', align: 'right' },
                { header: 'NOT STORED', align: 'right' },
                { header: 'FAILED', align: 'right' },
                { header: 'SPEND (USD)', align: 'right' },
              ],
              [
                ...groups.map((g) => [
                  g.key,
                  String(g.scenes),
                  String(g.succeeded),
                  String(g.notStored),
                  String(g.failed),
                  usdAmount(g.usd),
                ]),
                [out.paint.bold('total'), String(total.scenes), '', '', '', out.paint.bold(usdAmount(total.usd))],
              ],
            );
          return [
            `Scene spend since ${since} (${sinceText})${projectId ? ` for project ${projectId}` : ''}: ${usd(total.usd)} over ${total.scenes} finished scenes`,
            '',
            spendTable('PROVIDER', byProvider),
            '',
            spendTable('SCENE TYPE', bySceneType),
            '',
            ...(running > 0
              ? [`${running} scenes still running are not included (their cost is recorded when they finish).`]
              : []),
            out.paint.dim(`Note: ${attributionNote}`),
          ].join('\n');
        });
        return exitCodes.ok;
      },
      noSetupCheck,
    );
  },
};
