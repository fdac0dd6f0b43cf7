import type { BenchResult } from './figures';

export interface BenchOptions {
  /** Smaller sizes and fewer repeats, for a quick look rather than a figure to quote. */
  quick: boolean;
  /** B6's webhook phase at 10,000 scenes with 600 s renders instead of 1,000 with 300 s (about 20 minutes more). */
  webhooksScale: boolean;
}

export type BenchOutcome = Pick<BenchResult, 'figures' | 'details' | 'notes'>;

export interface Benchmark {
  id: string;
  title: string;
  run(opts: BenchOptions): Promise<BenchOutcome>;
}
