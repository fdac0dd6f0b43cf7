import type { LiveProjectProgress } from '../../src/client/project-videos';

const bar = (fraction: number, width = 20) => {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
};

/** One line per scene: a progress bar, provider, phase, elapsed seconds and money spent. */
export function progressLines(p: LiveProjectProgress, nowMs: number): string[] {
  return p.scenes.map((s) => {
    const live = p.live[s.sceneId];
    const attempt = live?.attempts[live.attempts.length - 1];
    const fraction =
      s.phase === 'succeeded' ? 1 : s.phase === 'running' ? (attempt?.progress ?? (attempt ? 0.05 : 0)) : 0;
    const phase = s.phase === 'running' ? (live?.phase ?? 'starting') : s.phase;
    const provider = s.provider ?? live?.currentProvider ?? '-';
    const started = live?.attempts[0]?.startedAt;
    const elapsed = started && s.phase === 'running' ? `${Math.round((nowMs - Date.parse(started)) / 1000)} s` : '';
    const cost = s.phase === 'running' ? (live?.totalCostUsd ?? 0) : s.costUsd;
    return `${s.sceneId.padEnd(16)} ${bar(fraction)} ${provider.padEnd(8)} ${phase.padEnd(10)} ${elapsed.padStart(5)}  $${cost.toFixed(4)}`;
  });
}

/** Redraws in place on a terminal; elsewhere prints only lines that changed, so logs stay readable. */
export class LiveView {
  private drawn = 0;
  private last = new Map<number, string>();
  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  render(lines: string[]): void {
    if (this.out.isTTY) {
      if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A`);
      for (const line of lines) this.out.write(`\x1b[2K${line}\n`);
      this.drawn = lines.length;
      return;
    }
    lines.forEach((line, i) => {
      const key = line.replace(/\s+\d+ s\s+/, ' ');
      if (this.last.get(i) !== key) this.out.write(`${line}\n`);
      this.last.set(i, key);
    });
  }
}
