export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  p95: number;
}

/** Linear interpolation between the closest ranks, as spreadsheets compute quartiles. */
export function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    p95: quantile(sorted, 0.95),
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Min–max for a handful of repeats; the IQR as well once there are enough values for quartiles to mean something. */
export function spreadText(s: Summary, digits: number): string {
  const r = (v: number) => round(v, digits).toString();
  const minMax = `min–max ${r(s.min)}–${r(s.max)}`;
  return s.n >= 5 ? `IQR ${r(s.q1)}–${r(s.q3)}, ${minMax} (n=${s.n})` : `${minMax} (n=${s.n})`;
}

/**
 * How fast a cumulative counter grew per second between the first and the last of its samples inside [fromMs, toMs];
 * null when fewer than two samples fall inside.
 */
export function rateWithin<S extends { atMs: number }>(
  samples: readonly S[],
  count: (s: S) => number,
  fromMs: number,
  toMs: number,
): number | null {
  const inside = samples.filter((s) => s.atMs >= fromMs && s.atMs <= toMs);
  if (inside.length < 2) return null;
  const first = inside[0]!;
  const last = inside[inside.length - 1]!;
  return ((count(last) - count(first)) / (last.atMs - first.atMs)) * 1000;
}

/** A cumulative counter's value at `atMs`, interpolated linearly between the samples around it; null outside them. */
export function countAt<S extends { atMs: number }>(
  samples: readonly S[],
  count: (s: S) => number,
  atMs: number,
): number | null {
  const after = samples.findIndex((s) => s.atMs >= atMs);
  if (after < 0) return null;
  const b = samples[after]!;
  if (b.atMs === atMs) return count(b);
  if (after === 0) return null;
  const a = samples[after - 1]!;
  return count(a) + ((count(b) - count(a)) * (atMs - a.atMs)) / (b.atMs - a.atMs);
}

/** How many times each value occurs, in order of first appearance. */
export function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

/** Counted values as `2× value`, in the counts' order: how the bench notes name what happened how often. */
export function countedText(counts: Record<string, number>): string[] {
  return Object.entries(counts).map(([value, n]) => `${n}× ${value}`);
}
