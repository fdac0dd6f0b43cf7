import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const clockTicksPerSec = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

export interface ProcSample {
  atMs: number;
  /** User + system CPU of every thread of the process since it started. */
  cpuMs: number;
  rssBytes: number;
}

/** `undefined` once the process is gone. */
export function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields are counted from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { atMs: Date.now(), cpuMs: (ticks / clockTicksPerSec) * 1000, rssBytes: statusKb(pid, 'VmRSS') * 1024 };
  } catch {
    return undefined;
  }
}

export function statusKb(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
}

export interface ProcUsage {
  /** Percent of one core, averaged over the monitored window. */
  cpuPercentAvg: number;
  /** Highest one-interval average. */
  cpuPercentPeak: number;
  rssStartMiB: number;
  rssPeakMiB: number;
  rssEndMiB: number;
  samples: number;
}

const MiB = 1024 * 1024;

/** Samples CPU time and RSS of a few processes at a fixed interval, from /proc. */
export class ProcMonitor {
  private readonly samples = new Map<string, ProcSample[]>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pids: Record<string, number>,
    private readonly intervalMs = 1000,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  stop(): Record<string, ProcUsage> {
    clearInterval(this.timer);
    this.sample();
    const usage: Record<string, ProcUsage> = {};
    for (const [name, list] of this.samples) {
      if (list.length < 2) continue;
      const first = list[0]!;
      const last = list[list.length - 1]!;
      let peak = 0;
      for (let i = 1; i < list.length; i++) {
        const dt = list[i]!.atMs - list[i - 1]!.atMs;
        if (dt > 0) peak = Math.max(peak, ((list[i]!.cpuMs - list[i - 1]!.cpuMs) / dt) * 100);
      }
      usage[name] = {
        cpuPercentAvg: ((last.cpuMs - first.cpuMs) / Math.max(1, last.atMs - first.atMs)) * 100,
        cpuPercentPeak: peak,
        rssStartMiB: first.rssBytes / MiB,
        rssPeakMiB: Math.max(...list.map((s) => s.rssBytes)) / MiB,
        rssEndMiB: last.rssBytes / MiB,
        samples: list.length,
      };
    }
    return usage;
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      const s = readProc(pid);
      if (!s) continue;
      const list = this.samples.get(name) ?? [];
      list.push(s);
      this.samples.set(name, list);
    }
  }
}
