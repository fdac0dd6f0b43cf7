import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../../bench/lib/figures';
import { mergeResults, type ResultsFile } from '../../bench/lib/report';

const machine = { cpus: 2 } as unknown as ResultsFile['machine'];
const run = (startedAt: string) => ({ startedAt, args: [], wallSeconds: 1, benchmarks: ['B6'] });
const result = (over: Partial<BenchResult>): BenchResult => ({
  id: 'B6',
  title: 'B6',
  quick: false,
  startedAt: '2026-12-06T09:00:00Z',
  wallSeconds: 1,
  figures: [{ name: 'polled', value: 1, unit: 's' }],
  details: { phases: ['tuned', 'runway'] },
  notes: ['earlier'],
  ...over,
});
const day = (benchmarks: BenchResult[], at = '2026-12-06T09:00:00Z'): ResultsFile => ({
  date: '2026-12-06',
  machine,
  runs: [run(at)],
  benchmarks,
});

describe("mergeResults: a run joins the day's results", () => {
  it('a part run completes itself from the earlier result of the same benchmark and size', () => {
    const part = result({
      startedAt: '2026-12-06T13:00:00Z',
      figures: [{ name: 'webhooks', value: 2, unit: 's' }],
      details: {},
      completeWith: (earlier) => ({
        figures: [...earlier.figures, { name: 'webhooks', value: 2, unit: 's' }],
        details: { phases: earlier.details.phases },
        notes: ['merged'],
      }),
    });
    const merged = mergeResults(day([result({})]), day([part], '2026-12-06T13:00:00Z'));
    expect(merged.runs).toHaveLength(2);
    expect(merged.benchmarks).toHaveLength(1);
    expect(merged.benchmarks[0]!.figures.map((f) => f.name)).toEqual(['polled', 'webhooks']);
    expect(merged.benchmarks[0]!.details.phases).toEqual(['tuned', 'runway']);
    expect(merged.benchmarks[0]!.startedAt).toBe('2026-12-06T13:00:00Z');
    expect('completeWith' in merged.benchmarks[0]!).toBe(false);
  });

  it('a run that failed keeps the earlier figures and records the failure', () => {
    const failed = result({ startedAt: '2026-12-06T14:00:00Z', figures: [], details: {}, notes: ['boom'] });
    const merged = mergeResults(day([result({})]), day([failed], '2026-12-06T14:00:00Z'));
    expect(merged.benchmarks[0]!.figures.map((f) => f.name)).toEqual(['polled']);
    expect(merged.benchmarks[0]!.notes).toEqual([
      'earlier',
      'A later run started at 2026-12-06T14:00:00Z failed: boom',
    ]);
  });

  it('a part run with nothing earlier of its size stands alone', () => {
    const part = result({ quick: true, completeWith: () => ({ figures: [], details: {}, notes: [] }) });
    const merged = mergeResults(day([result({})]), day([part]));
    expect(merged.benchmarks).toEqual([expect.objectContaining({ quick: true, figures: part.figures })]);
  });
});
