import type { BenchResult } from './figures';

export interface BenchOptions {
  /** Smaller sizes and fewer repeats, for a quick look rather than a figure to quote. */
  quick: boolean;
}

export type BenchOutcome = Pick<BenchResult, 'figures' | 'details' | 'notes'>;

export interface Benchmark {
  id: string;
  title: string;
  run(opts: BenchOptions): Promise<BenchOutcome>;
}
