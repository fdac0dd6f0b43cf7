import type { AttemptProgress, SceneProgress, SceneVideoResult, SlotWait } from '../contract/scene-workflow';
import type { ProjectProgress, ProjectResult } from '../contract/project-workflow';
import { describeReason } from './attempt-reasons';
import { bytes, clock, elapsedMs, percentAmount, seconds, secondsAmount, usd, usdAmount } from './format';
import { fields, table, type Palette } from './output';
import type { ProjectView, SceneView, WorkflowView } from './workflow-view';

/** Human renderings of scene and project state, shared by `status`, `generate --wait` and `project --wait`. */

const good = new Set(['succeeded', 'uploaded', 'COMPLETED']);
const bad = new Set(['failed', 'cancelled', 'FAILED', 'CANCELLED', 'CANCELED', 'TERMINATED', 'TIMED_OUT']);

export function paintState(state: string, paint: Palette): string {
  if (good.has(state)) return paint.green(state);
  if (bad.has(state)) return paint.red(state);
  if (state === 'skipped' || state === 'pending') return paint.dim(state);
  if (state === 'unstored') return paint.yellow(`${state} (generated, not stored)`);
  return paint.yellow(state);
}

/** A scene waiting at a provider's gate, e.g. `waiting for a Runway Gen-4.5 slot, 3 ahead`. */
export function slotWaitText(wait: SlotWait): string {
  return `waiting for a ${wait.displayName} slot${wait.ahead === undefined ? '' : `, ${wait.ahead} ahead`}`;
}

/** A live scene's phase as the CLI shows it: its wait for a provider's slot, when it waits. */
export function livePhase(p: Pick<SceneProgress, 'phase' | 'waitingForSlot'>): string {
  return p.waitingForSlot ? slotWaitText(p.waitingForSlot) : p.phase;
}

function workflowHeader(view: WorkflowView, paint: Palette): [string, string][] {
  const ran = elapsedMs(view.startTime, view.closeTime);
  const when = view.closeTime
    ? `started ${clock(view.startTime)}, closed ${clock(view.closeTime)} after ${seconds(ran)}`
    : `started ${clock(view.startTime)}, running for ${seconds(ran)}`;
  return [
    [view.kind === 'scene' ? 'Scene workflow' : 'Project workflow', paint.bold(view.workflowId)],
    ['Status', `${paintState(view.status, paint)} (${when}; task queue ${view.taskQueue})`],
  ];
}

export function renderView(view: WorkflowView, paint: Palette): string {
  return view.kind === 'scene' ? renderSceneView(view, paint) : renderProjectView(view, paint);
}

function renderSceneView(view: SceneView, paint: Palette): string {
  const head = workflowHeader(view, paint);
  const p = view.progress;
  if (!p) return [fields(head), ...(view.note ? ['', view.note] : [])].join('\n');
  const provider = p.result?.provider ?? p.currentProvider;
  head.push(
    ['Scene', p.projectId ? `${p.sceneId} (project ${p.projectId})` : p.sceneId],
    [
      'Phase',
      p.waitingForSlot
        ? paint.yellow(slotWaitText(p.waitingForSlot))
        : `${paintState(p.phase, paint)}${provider ? ` with ${provider}` : ''}`,
    ],
    ['Total cost', costLine(p.totalCostUsd, p.costByProvider)],
  );
  const parts = [fields(head)];
  if (view.note && p.phase !== 'succeeded' && p.phase !== 'unstored')
    parts.push('', `${paint.red('Failure')}  ${view.note}`);
  if (p.ranking.length > 0) parts.push('', paint.bold('Ranking'), rankingTable(p));
  if (p.attempts.length > 0) parts.push('', paint.bold('Attempts'), attemptsTable(p.attempts, paint));
  if (p.result) parts.push('', paint.bold('Result'), resultFields(p.result));
  if (view.progressSource !== 'query')
    parts.push('', paint.dim(`(from the run's ${view.progressSource}: no worker answered the progress query)`));
  return parts.join('\n');
}

function costLine(total: number, byProvider: Record<string, number>): string {
  const split = Object.entries(byProvider).map(([k, v]) => `${k} ${usd(v)}`);
  return split.length > 1 ? `${usd(total)} (${split.join(', ')})` : usd(total);
}

function rankingTable(p: SceneProgress): string {
  return table(
    [
      { header: '#', align: 'right' },
      { header: 'PROVIDER' },
      { header: 'SCORE (points)', align: 'right' },
      { header: 'REASONS' },
    ],
    p.ranking.map((r, i) => [String(i + 1), r.provider, String(r.score), r.reasons.join('; ')]),
    '  ',
  );
}

export function attemptsTable(attempts: AttemptProgress[], paint: Palette): string {
  return table(
    [
      { header: '#', align: 'right' },
      { header: 'PROVIDER' },
      { header: 'STATE' },
      { header: 'REASON' },
      { header: 'PROGRESS (%)', align: 'right' },
      { header: 'COST (USD)', align: 'right' },
      { header: 'TIME (s)', align: 'right' },
      { header: 'TASK' },
      { header: 'NOTE' },
    ],
    attempts.map((a, i) => [
      String(i + 1),
      a.provider,
      paintState(a.state, paint) + throttleNote(a),
      describeReason(a.reason),
      a.progress === undefined ? '' : percentAmount(a.progress),
      usdAmount(a.costUsd),
      secondsAmount(elapsedMs(a.startedAt, a.endedAt)),
      a.taskId ?? '',
      [a.error, lengthChange(a)].filter(Boolean).join('; '),
    ]),
    '  ',
  );
}

/** Throttled time is the provider account's queue, not the provider's work: said apart from the state. */
function throttleNote(a: AttemptProgress): string {
  const waited = a.throttledMs ? seconds(a.throttledMs) : undefined;
  if (a.throttled && a.endedAt === undefined) return ` (throttled${waited ? ` for ${waited} so far` : ''})`;
  return waited ? ` (${waited} throttled)` : '';
}

/** "asked 12 s, got 10 s" when the provider renders another length than the scene asked for (fitted to its own). */
function lengthChange(d: { requestedDurationSec?: number; durationSec?: number }): string | undefined {
  const { requestedDurationSec: asked, durationSec: got } = d;
  return asked !== undefined && got !== undefined && asked !== got ? `asked ${asked} s, got ${got} s` : undefined;
}

function resultFields(r: SceneVideoResult): string {
  const pairs: [string, string][] = [
    ['Provider', r.provider],
    [
      'Stored',
      r.stored ? `${r.s3Key}${r.bytes !== undefined ? ` (${bytes(r.bytes)})` : ''}` : 'no (provider URL only)',
    ],
  ];
  if (r.s3Url) pairs.push(['S3 URL', r.s3Url]);
  if (r.objectUrl) pairs.push(['URL', r.objectUrl]);
  pairs.push(
    ['Provider URL', r.providerVideoUrl],
    ['Clip length', lengthChange(r) ?? `${r.durationSec} s`],
    ['Generation time', seconds(r.generationTimeMs)],
    ['Cost', costLine(r.totalCostUsd, r.costByProvider)],
  );
  if (r.warning) pairs.push(['Warning', r.warning]);
  if (r.cancelNote) pairs.push(['Cancel', r.cancelNote]);
  return fields(pairs, '  ');
}

/** `generate --wait`: the finished scene as a result table. */
export function renderSceneResult(r: SceneVideoResult, paint: Palette): string {
  return [paint.bold('Attempts'), attemptsTable(r.attempts, paint), '', paint.bold('Result'), resultFields(r)].join(
    '\n',
  );
}

function renderProjectView(view: ProjectView, paint: Palette): string {
  const head = workflowHeader(view, paint);
  const p = view.progress;
  if (!p) return [fields(head), ...(view.note ? ['', view.note] : [])].join('\n');
  return [fields([...head, ...projectSummary(p)]), '', projectScenesTable(p, paint, view.progress?.live ?? {})].join(
    '\n',
  );
}

function projectSummary(p: ProjectProgress): [string, string][] {
  const c = p.counts;
  return [
    ['Project', p.projectId],
    [
      'Scenes',
      `${p.scenes.length}: ${c.succeeded} succeeded, ${c.unstored ?? 0} generated but not stored, ${c.running} running, ${c.pending} pending, ${c.failed} failed, ${c.cancelled ?? 0} cancelled, ${c.skipped} skipped`,
    ],
    ['Spend', `${usd(p.totalCostUsd)}${p.budgetUsd !== undefined ? ` of a ${usd(p.budgetUsd)} budget` : ''}`],
    ['Concurrency', `${p.maxConcurrentScenes} scenes at once`],
  ];
}

function projectScenesTable(p: ProjectProgress, paint: Palette, live: Record<string, SceneProgress>): string {
  return table(
    [
      { header: 'SCENE' },
      { header: 'TYPE' },
      { header: 'PHASE' },
      { header: 'PROVIDER' },
      { header: 'COST (USD)', align: 'right' },
      { header: 'DETAIL' },
    ],
    p.scenes.map((s) => {
      const now = live[s.sceneId];
      return [
        s.sceneId,
        s.sceneType,
        paintState(now && s.phase === 'running' ? now.phase : s.phase, paint),
        s.provider ?? now?.currentProvider ?? '',
        usdAmount(now && s.phase === 'running' ? now.totalCostUsd : s.costUsd),
        s.phase === 'unstored'
          ? `not stored; provider URL (expires): ${s.providerVideoUrl ?? ''}`
          : (s.error ?? s.s3Key ?? ''),
      ];
    }),
  );
}

/** `project --wait`: the finished project. */
export function renderProjectResult(p: ProjectResult, paint: Palette): string {
  const manifest: [string, string][] = p.manifest ? [['Manifest', `${p.manifest.key}  ${p.manifest.url}`]] : [];
  return [fields([...projectSummary(p), ...manifest]), '', projectScenesTable(p, paint, {})].join('\n');
}
