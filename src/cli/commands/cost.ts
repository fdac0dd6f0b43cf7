import {
  sceneWorkflowType,
  type AttemptProgress,
  type ProviderCosts,
  type SceneWorkflow,
} from '../../contract/scene-workflow';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { AttemptReason } from '../../contract/metrics';
import { z } from 'zod';
import { roundUsd } from '../../domain/pricing';
import { businessIdSchema } from '../../contract/scene-input';
import { searchAttributes } from '../../contract/search-attributes';
import { describeReason } from '../attempt-reasons';
import type { Command } from '../command';
import { exitCodes } from '../errors';
import { usd, usdAmount } from '../format';
import { table, type Output } from '../output';
import { paintState } from '../progress-tables';
import { noSetupCheck, withTemporal } from '../session';
import { readEach, sceneReadsAtOnce } from '../read-pool';
import { closedSceneProgress } from '../workflow-view';

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

interface ProviderSpend extends SpendGroup {
  /** The catalogue's estimate for the attempts billed in `usd`, where their scene recorded it. */
  estimateUsd: number;
  /** Billed money without a recorded estimate (its scene has no `costs` memo), in `usd` too. */
  unestimatedUsd: number;
}

const memoCostsSchema = z.record(
  z.string(),
  z.object({ billedUsd: z.number(), estimateUsd: z.number() }),
) satisfies z.ZodType<ProviderCosts>;

const sceneCostUsd = (s: WorkflowExecutionInfo) => s.typedSearchAttributes.get(searchAttributes.costUsd) ?? 0;
const lastProvider = (s: WorkflowExecutionInfo) =>
  s.typedSearchAttributes.get(searchAttributes.videoProvider) ?? '(none)';

/** Counts one scene in its group, by how it ended. */
function countScene(g: SpendGroup, s: WorkflowExecutionInfo): void {
  g.scenes++;
  const status = s.typedSearchAttributes.get(searchAttributes.videoStatus);
  if (status === 'succeeded') g.succeeded++;
  else if (status === 'unstored') g.notStored++;
  else if (status === 'failed' || status === 'cancelled') g.failed++;
}

const bySpend = (a: SpendGroup, b: SpendGroup) => b.usd - a.usd || a.key.localeCompare(b.key);

/** Spend grouped one way; every closed scene counts once, its CostUsd with it, in the group its attribute names. */
function groupBy(scenes: WorkflowExecutionInfo[], keyOf: (s: WorkflowExecutionInfo) => string): SpendGroup[] {
  const groups = new Map<string, SpendGroup>();
  for (const s of scenes) {
    const key = keyOf(s);
    const g = groups.get(key) ?? { key, scenes: 0, succeeded: 0, notStored: 0, failed: 0, usd: 0 };
    countScene(g, s);
    g.usd = roundUsd(g.usd + sceneCostUsd(s));
    groups.set(key, g);
  }
  return [...groups.values()].sort(bySpend);
}

/**
 * Scenes counted under their last provider, money under the provider each attempt billed, from the scene's `costs`
 * memo; a scene without one (terminated, timed out, or recorded before that memo) puts its CostUsd on its last provider,
 * with no estimate.
 */
function byProvider(scenes: WorkflowExecutionInfo[]): ProviderSpend[] {
  const groups = new Map<string, ProviderSpend>();
  const group = (key: string) => {
    const g = groups.get(key) ?? {
      key,
      ...{ scenes: 0, succeeded: 0, notStored: 0, failed: 0, usd: 0, estimateUsd: 0, unestimatedUsd: 0 },
    };
    groups.set(key, g);
    return g;
  };
  for (const s of scenes) {
    countScene(group(lastProvider(s)), s);
    const costs = memoCostsSchema.safeParse(s.memo?.costs);
    if (costs.success) {
      for (const [key, c] of Object.entries(costs.data)) {
        const g = group(key);
        g.usd = roundUsd(g.usd + c.billedUsd);
        g.estimateUsd = roundUsd(g.estimateUsd + c.estimateUsd);
      }
    } else {
      const g = group(lastProvider(s));
      g.usd = roundUsd(g.usd + sceneCostUsd(s));
      g.unestimatedUsd = roundUsd(g.unestimatedUsd + sceneCostUsd(s));
    }
  }
  return [...groups.values()].sort(bySpend);
}

/** One provider attempt of a finished scene, with what it was estimated at and what it is counted as costing. */
interface AttemptCost {
  workflowId: string;
  sceneId: string;
  projectId?: string;
  sceneType: string;
  /** Its place among the scene's attempts, from 1. */
  attempt: number;
  provider: string;
  outcome: AttemptProgress['state'];
  /** Why it ended, as a class (absent in runs from before it was recorded). */
  reason?: AttemptReason;
  /** Why it failed or was cancelled, as the scene recorded it. */
  error?: string;
  /** Absent in runs from before the estimate was recorded. */
  estimateUsd?: number;
  billedUsd: number;
}

/** A finished scene whose close event carries no attempts (cancelled, terminated, timed out): its CostUsd only. */
interface UnrecordedScene {
  workflowId: string;
  status: string;
  costUsd: number;
}

/**
 * Every provider attempt of the finished scenes, oldest scene first, from each run's close event (its result, or the snapshot its failure
 * carries), so no worker is needed; skipped providers were never sent a request and are left out.
 */
async function attemptCosts(
  client: Client,
  scenes: WorkflowExecutionInfo[],
  out: Output,
): Promise<{ attempts: AttemptCost[]; unrecorded: UnrecordedScene[] }> {
  scenes = [...scenes].sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  const perScene = await readEach(
    scenes,
    async (s): Promise<{ attempts: AttemptCost[] } | UnrecordedScene> => {
      const { progress } = await closedSceneProgress(client.workflow.getHandle<SceneWorkflow>(s.workflowId, s.runId));
      const sceneType = s.typedSearchAttributes.get(searchAttributes.sceneType) ?? '(unknown)';
      return progress
        ? {
            attempts: progress.attempts.flatMap((a, index) =>
              a.state === 'skipped'
                ? []
                : [
                    {
                      workflowId: s.workflowId,
                      sceneId: progress.sceneId,
                      projectId: progress.projectId,
                      sceneType,
                      attempt: index + 1,
                      provider: a.provider,
                      outcome: a.state,
                      reason: a.reason,
                      error: a.error,
                      estimateUsd: a.estimateUsd,
                      billedUsd: a.costUsd,
                    },
                  ],
            ),
          }
        : { workflowId: s.workflowId, status: s.status.name, costUsd: sceneCostUsd(s) };
    },
    {
      limit: sceneReadsAtOnce,
      progress: (done, total, finished) =>
        out.text(finished ? `read the attempts of ${total} scenes` : `reading attempts: ${done} of ${total} scenes…`),
    },
  );
  return {
    attempts: perScene.flatMap((p) => ('attempts' in p ? p.attempts : [])),
    unrecorded: perScene.filter((p): p is UnrecordedScene => !('attempts' in p)),
  };
}

/**
 * Why an attempt ended, in words; for runs from before the class was recorded, the type of its failure
 * (`ContentPolicy: runway task … failed` → `ContentPolicy`).
 */
export function reasonCell(a: Pick<AttemptCost, 'reason' | 'error'>): string {
  if (a.reason !== undefined) return describeReason(a.reason);
  if (a.error === undefined) return '';
  return /^(\w+): /.exec(a.error)?.[1] ?? (a.error.length > 40 ? `${a.error.slice(0, 39)}…` : a.error);
}

function attemptsTable(rows: AttemptCost[], projectId: string | undefined, out: Output): string {
  const scene = (a: AttemptCost) => (projectId || !a.projectId ? a.sceneId : `${a.projectId}/${a.sceneId}`);
  const billed = roundUsd(rows.reduce((sum, a) => sum + a.billedUsd, 0));
  const estimated = roundUsd(rows.reduce((sum, a) => sum + (a.estimateUsd ?? 0), 0));
  return table(
    [
      { header: 'SCENE' },
      { header: '#', align: 'right' },
      { header: 'PROVIDER' },
      { header: 'OUTCOME' },
      { header: 'REASON' },
      { header: 'ESTIMATE (USD)', align: 'right' },
      { header: 'BILLED (USD)', align: 'right' },
    ],
    [
      ...rows.map((a) => [
        scene(a),
        String(a.attempt),
        a.provider,
        paintState(a.outcome, out.paint),
        reasonCell(a),
        a.estimateUsd === undefined ? '-' : usdAmount(a.estimateUsd),
        usdAmount(a.billedUsd),
      ]),
      [
        out.paint.bold('total'),
        '',
        '',
        '',
        '',
        out.paint.bold(usdAmount(estimated)),
        out.paint.bold(usdAmount(billed)),
      ],
    ],
  );
}

/**
 * The attempts table's total leaves out scenes that recorded no attempts; when they cost something, say by how much,
 * so the two totals on one screen are not read as disagreeing.
 */
export function unrecordedNote(unrecorded: UnrecordedScene[], allScenesUsd: number): string[] {
  const usdWithout = roundUsd(unrecorded.reduce((sum, u) => sum + u.costUsd, 0));
  if (usdWithout === 0) return [];
  return [
    `The attempts' total leaves out these ${unrecorded.length} scenes' ${usd(usdWithout)}; with them, ${usd(allScenesUsd)} as above.`,
  ];
}

const attributionNote =
  'By provider, a scene counts under its last provider (VideoProvider) and its money under the provider each attempt ' +
  "billed, next to the catalogue's estimate for those attempts; a scene that recorded no breakdown (terminated, timed " +
  'out, or finished before the release that records it) puts its whole CostUsd on its last provider, with no ' +
  'estimate. By scene type, SPEND ' +
  "is each scene's total (CostUsd).";

const attemptsNote =
  "With --attempts, each provider attempt is a row under its own provider: a failed attempt's charge (a moderated " +
  "Runway generation, an ambiguous create) is that provider's, not the provider the scene ended with. ESTIMATE is the " +
  "catalogue's estimate of each attempt, billed or not; BILLED what it is counted as costing. A cancelled, terminated " +
  'or timed-out scene records no attempts: its CostUsd is listed on its own.';

export const costCommand: Command = {
  name: 'cost',
  summary:
    "Spend by provider (billed next to the catalogue estimate) and by scene type, from the workflows' search " +
    'attributes and memos (visibility API)',
  usage: {
    positionals: [],
    options: {
      since: {
        type: 'string',
        value: '<30m|24h|7d|2w>',
        description: 'Scenes started within this window (default 7d)',
      },
      project: { type: 'string', value: '<id>', description: "Only this project's scenes" },
      attempts: {
        type: 'boolean',
        description:
          "Also one row per provider attempt: its scene, outcome, reason, estimate and charge (reads each scene's close event)",
      },
    },
    details: [
      'Counts scene workflows (generateSceneVideo) started in the window. A scene records its cost (CostUsd) when it',
      'finishes, so running scenes are listed separately and not in the totals. FAILED counts failed and cancelled',
      'scenes; NOT STORED counts scenes generated (and paid for) whose clip S3 did not take.',
      attributionNote,
      attemptsNote,
    ],
    examples: [
      'scene-video cost --since 24h',
      'scene-video cost --project launch --json',
      'scene-video cost --project launch --attempts',
    ],
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
        const providers = byProvider(finished);
        const bySceneType = groupBy(
          finished,
          (s) => s.typedSearchAttributes.get(searchAttributes.sceneType) ?? '(unknown)',
        );
        const total = { scenes: finished.length, usd: roundUsd(finished.reduce((sum, s) => sum + sceneCostUsd(s), 0)) };
        const unestimatedUsd = roundUsd(providers.reduce((sum, g) => sum + g.unestimatedUsd, 0));
        const perAttempt = args.flag('attempts') ? await attemptCosts(client, finished, out) : undefined;
        const report = {
          since,
          projectId,
          query,
          total,
          byProvider: providers,
          bySceneType,
          ...(perAttempt && { attempts: perAttempt.attempts, scenesWithoutAttempts: perAttempt.unrecorded }),
          runningScenes: running,
          note: perAttempt ? `${attributionNote} ${attemptsNote}` : attributionNote,
        };

        out.emit(report, () => {
          const counts = (g: SpendGroup) => [
            g.key,
            String(g.scenes),
            String(g.succeeded),
            String(g.notStored),
            String(g.failed),
          ];
          const countHeaders = (title: string) =>
            [title, 'SCENES', 'SUCCEEDED', 'NOT STORED', 'FAILED'].map((header, i) => ({
              header,
              align: i === 0 ? ('left' as const) : ('right' as const),
            }));
          const totalRow = (...money: string[]) => [
            out.paint.bold('total'),
            String(total.scenes),
            '',
            '',
            '',
            ...money.map((m) => out.paint.bold(m)),
          ];
          const estimateUsd = roundUsd(providers.reduce((sum, g) => sum + g.estimateUsd, 0));
          const providerTable = table(
            [
              ...countHeaders('PROVIDER'),
              { header: 'ESTIMATE (USD)', align: 'right' },
              { header: 'BILLED (USD)', align: 'right' },
            ],
            [
              ...providers.map((g) => [
                ...counts(g),
                g.unestimatedUsd > 0 && g.estimateUsd === 0 ? '-' : usdAmount(g.estimateUsd),
                usdAmount(g.usd),
              ]),
              totalRow(usdAmount(estimateUsd), usdAmount(total.usd)),
            ],
          );
          const sceneTypeTable = table(
            [...countHeaders('SCENE TYPE'), { header: 'SPEND (USD)', align: 'right' }],
            [...bySceneType.map((g) => [...counts(g), usdAmount(g.usd)]), totalRow(usdAmount(total.usd))],
          );
          return [
            `Scene spend since ${since} (${sinceText})${projectId ? ` for project ${projectId}` : ''}: ${usd(total.usd)} over ${total.scenes} finished scenes`,
            '',
            providerTable,
            ...(unestimatedUsd > 0
              ? [`${usd(unestimatedUsd)} of BILLED has no recorded estimate (ESTIMATE leaves it out).`]
              : []),
            '',
            sceneTypeTable,
            '',
            ...(perAttempt
              ? [
                  out.paint.bold(`Attempts (${perAttempt.attempts.length})`),
                  attemptsTable(perAttempt.attempts, projectId, out),
                  ...perAttempt.unrecorded.map(
                    (u) => `${u.workflowId} (${u.status}) recorded no attempts: ${usd(u.costUsd)} (CostUsd)`,
                  ),
                  ...unrecordedNote(perAttempt.unrecorded, total.usd),
                  '',
                ]
              : []),
            ...(running > 0
              ? [`${running} scenes still running are not included (their cost is recorded when they finish).`]
              : []),
            out.paint.dim(`Note: ${report.note}`),
          ].join('\n');
        });
        return exitCodes.ok;
      },
      noSetupCheck,
    );
  },
};
