import type { BenchResult } from './figures';

export interface BenchOptions {
  /** Smaller sizes and fewer repeats, for a quick look rather than a figure to quote. */
  quick: boolean;
  /** B6's webhook phase at 10,000 scenes with 20 min renders instead of 1,000 with 300 s (about 30 minutes more). */
  webhooksScale: boolean;
  /** B6 runs its webhook phase only, without the two 1,000-scene polling phases before it. */
  b6WebhooksOnly: boolean;
}

export type BenchOutcome = Pick<BenchResult, 'figures' | 'details' | 'notes' | 'completeWith'>;

export interface Benchmark {
  id: string;
  title: string;
  run(opts: BenchOptions): Promise<BenchOutcome>;
}
