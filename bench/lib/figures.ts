import { round, spreadText, summarize, type Summary } from './stats';

export interface Target {
  op: '>=' | '<=';
  value: number;
  /** Where the target comes from when it is not the brief's own, e.g. "bench's own: interval + 1 s". */
  source?: string;
}

/** One reported number: a median over repeats (with its spread) or a single measurement. */
export interface Figure {
  name: string;
  value: number | null;
  unit: string;
  spread?: string;
  target?: Target;
  met?: boolean;
  note?: string;
}

export interface BenchResult {
  id: string;
  title: string;
  quick: boolean;
  startedAt: string;
  wallSeconds: number;
  figures: Figure[];
  /** Raw per-repeat numbers and context, for whoever wants to recompute a figure. */
  details: Record<string, unknown>;
  notes: string[];
  /**
   * A run of part of a benchmark completes itself from the same day's earlier result of that benchmark, so its other
   * parts' figures are kept; not written to the results file.
   */
  completeWith?: (earlier: BenchResult) => Pick<BenchResult, 'figures' | 'details' | 'notes'>;
}

export interface FigureOptions {
  digits?: number;
  target?: Target;
  note?: string;
}

function checked(value: number | null, target: Target | undefined): boolean | undefined {
  if (!target || value === null) return undefined;
  return target.op === '>=' ? value >= target.value : value <= target.value;
}

/** A single measurement. */
export function figure(name: string, value: number | null, unit: string, opts: FigureOptions = {}): Figure {
  const v = value === null ? null : round(value, opts.digits ?? 2);
  return { name, value: v, unit, target: opts.target, met: checked(v, opts.target), note: opts.note };
}

/** The median of repeated measurements, with their spread. */
export function medianFigure(name: string, values: readonly number[], unit: string, opts: FigureOptions = {}): Figure {
  if (values.length === 0) return figure(name, null, unit, { ...opts, note: opts.note ?? 'no samples' });
  const s: Summary = summarize(values);
  return { ...figure(name, s.median, unit, opts), spread: spreadText(s, opts.digits ?? 2) };
}

/** The 95th percentile of repeated measurements (interpolated between the closest ranks), with their spread. */
export function p95Figure(name: string, values: readonly number[], unit: string, opts: FigureOptions = {}): Figure {
  if (values.length === 0) return figure(name, null, unit, { ...opts, note: opts.note ?? 'no samples' });
  const s: Summary = summarize(values);
  return { ...figure(name, s.p95, unit, opts), spread: spreadText(s, opts.digits ?? 2) };
}

export function targetText(t: Target | undefined): string {
  if (!t) return '—';
  return `${t.op === '>=' ? '≥' : '≤'} ${t.value}${t.source ? ` (${t.source})` : ''}`;
}
