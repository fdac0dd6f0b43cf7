import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { roundUsd } from '../domain/pricing';
import type { SceneProgress } from '../contract/scene-workflow';
import { endedScenePhases } from '../contract/project-workflow';
import { clock, elapsedMs, percent, percentAmount, seconds, secondsAmount, usd, usdAmount } from './format';
import { stripAnsi, table, visibleWidth, type Output } from './output';
import { livePhase, paintState } from './progress-tables';
import { loadView, type WorkflowView } from './workflow-view';

/** One scene's line in the live view. */
interface LiveRow {
  sceneId: string;
  phase: string;
  provider: string;
  /** 0–1. */
  progress: number;
  elapsedMs?: number;
  costUsd: number;
}

const barWidth = 24;

/** The provider at work, or the one that delivered once the scene is done. */
function providerOf(p: SceneProgress): string {
  return p.result?.provider ?? p.currentProvider ?? '';
}

function currentProgress(p: SceneProgress): number {
  if (p.phase === 'succeeded' || p.phase === 'unstored' || p.phase === 'uploading') return 1;
  return p.attempts.at(-1)?.progress ?? 0;
}

/**
 * Scene timings from the project view alone are unknown once a scene stops being live, so the watcher remembers when
 * it first and last saw each scene working.
 */
class SceneClock {
  private readonly started = new Map<string, number>();
  private readonly ended = new Map<string, number>();

  elapsed(sceneId: string, phase: string, live?: SceneProgress): number | undefined {
    const first = live?.attempts[0]?.startedAt;
    if (first && !this.started.has(sceneId)) this.started.set(sceneId, new Date(first).getTime());
    if (phase !== 'pending' && !this.started.has(sceneId)) this.started.set(sceneId, Date.now());
    if (endedScenePhases.has(phase) && !this.ended.has(sceneId)) this.ended.set(sceneId, Date.now());
    const start = this.started.get(sceneId);
    return start === undefined ? undefined : (this.ended.get(sceneId) ?? Date.now()) - start;
  }
}

function rows(view: WorkflowView, clocks: SceneClock): LiveRow[] {
  if (view.kind === 'scene') {
    const p = view.progress;
    if (!p) return [];
    const first = p.attempts[0]?.startedAt ?? view.startTime;
    const last = p.attempts.at(-1);
    const end = endedScenePhases.has(p.phase) ? (last?.endedAt ?? view.closeTime) : undefined;
    return [
      {
        sceneId: p.sceneId,
        phase: livePhase(p),
        provider: providerOf(p),
        progress: currentProgress(p),
        elapsedMs: elapsedMs(first, end),
        costUsd: p.totalCostUsd,
      },
    ];
  }
  const p = view.progress;
  if (!p) return [];
  return p.scenes.map((s) => {
    const live = s.phase === 'running' ? p.live[s.sceneId] : undefined;
    const phase = live ? livePhase(live) : s.phase;
    return {
      sceneId: s.sceneId,
      phase,
      provider: s.provider ?? (live ? providerOf(live) : ''),
      progress: s.phase === 'succeeded' || s.phase === 'unstored' ? 1 : live ? currentProgress(live) : 0,
      elapsedMs: clocks.elapsed(s.sceneId, phase, live),
      costUsd: live?.totalCostUsd ?? s.costUsd,
    };
  });
}

function summary(view: WorkflowView, liveRows: LiveRow[]): string {
  const ran = seconds(elapsedMs(view.startTime, view.closeTime));
  // Running scenes count with what they have spent so far, which the project's own total only adds at the end.
  const spent = usd(roundUsd(liveRows.reduce((sum, r) => sum + r.costUsd, 0)));
  if (view.kind === 'project' && view.progress) {
    const c = view.progress.counts;
    return `${view.workflowId} ${view.status}: ${c.succeeded}/${view.progress.scenes.length} succeeded, ${c.unstored ?? 0} not stored, ${c.running} running, ${c.failed} failed, ${c.cancelled ?? 0} cancelled, ${c.skipped} skipped; ${spent}; ${ran}`;
  }
  return `${view.workflowId} ${view.status}; ${spent}; ${ran}${view.note ? `; ${view.note}` : ''}`;
}

/** A wrapped line would break the cursor arithmetic of the redraw, so lines are cut to the terminal width. */
function fit(line: string, columns: number | undefined): string {
  if (!columns || visibleWidth(line) < columns) return line;
  return `${[...stripAnsi(line)].slice(0, columns - 2).join('')}…`;
}

function bar(progress: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, progress)) * barWidth);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
}

/** A terminal gets one frame redrawn in place; a pipe or a log file gets one line per scene change. */
class Renderer {
  private drawnLines = 0;
  private readonly printed = new Map<string, string>();

  constructor(private readonly out: Output) {}

  draw(view: WorkflowView, liveRows: LiveRow[]): void {
    if (this.out.live) this.redraw(view, liveRows);
    else this.appendChanges(view, liveRows);
  }

  private redraw(view: WorkflowView, liveRows: LiveRow[]): void {
    const p = this.out.paint;
    const frame = [
      summary(view, liveRows),
      table(
        [
          { header: 'SCENE' },
          { header: 'PROVIDER' },
          { header: 'PHASE' },
          { header: 'PROGRESS (%)' },
          { header: 'ELAPSED (s)', align: 'right' },
          { header: 'COST (USD)', align: 'right' },
        ],
        liveRows.map((r) => [
          r.sceneId,
          r.provider,
          paintState(r.phase, p),
          `${bar(r.progress)} ${percentAmount(r.progress).padStart(3)}`,
          r.elapsedMs === undefined ? '' : secondsAmount(r.elapsedMs),
          usdAmount(r.costUsd),
        ]),
      ),
    ]
      .join('\n')
      .split('\n')
      .map((line) => fit(line, this.out.human.columns))
      .join('\n');
    // Cursor up to the previous frame's first line and clear to the end of the screen, then draw over it.
    const rewind = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F\x1b[0J` : '';
    this.out.human.write(`${rewind}${frame}\n`);
    this.drawnLines = frame.split('\n').length;
  }

  private appendChanges(view: WorkflowView, liveRows: LiveRow[]): void {
    const stamp = clock(new Date());
    const lines: string[] = [];
    if (this.printed.get('') !== view.status) {
      this.printed.set('', view.status);
      lines.push(`${stamp}  ${view.workflowId} ${view.status}`);
    }
    for (const r of liveRows) {
      // Progress moves in 10 % steps here so a log gets a handful of lines per scene, not one per poll.
      const key = [r.phase, r.provider, Math.floor(r.progress * 10), r.costUsd].join('|');
      if (this.printed.get(r.sceneId) === key) continue;
      this.printed.set(r.sceneId, key);
      const elapsed = r.elapsedMs === undefined ? '' : `  ${seconds(r.elapsedMs)}`;
      lines.push(
        `${stamp}  ${r.sceneId}  ${r.phase}${r.provider ? `  ${r.provider}` : ''}  ${percent(r.progress)}${elapsed}  ${usd(r.costUsd)}`,
      );
    }
    if (lines.length > 0) this.out.text(lines.join('\n'));
  }
}

/** Redraws the workflow's live progress until it closes; returns the final view. */
export async function watchWorkflow(
  client: Client,
  workflowId: string,
  out: Output,
  intervalMs = 500,
): Promise<WorkflowView> {
  const renderer = new Renderer(out);
  const clocks = new SceneClock();
  for (;;) {
    const view = await loadView(client, workflowId, 5_000);
    renderer.draw(view, rows(view, clocks));
    if (view.status !== 'RUNNING') return view;
    await sleep(intervalMs);
  }
}
