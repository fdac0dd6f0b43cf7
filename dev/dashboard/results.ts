import type { DashboardPanel, PanelQuery } from './dashboard';
import type { PromSeries } from './prometheus';

/** What `npm run dashboard:check` found for one query: the series Prometheus answered with, or its error. */
export interface QueryResult extends PanelQuery {
  /** The query as sent, its variables filled in. */
  sent: string;
  series: (PromSeries & { legend: string })[];
  error?: string;
}

export interface PanelResult extends Omit<DashboardPanel, 'queries'> {
  queries: QueryResult[];
}

/** The check's results file, which `npm run dashboard:picture` draws. */
export interface CheckResults {
  dashboard: string;
  /** The demo run the queries looked at, ISO times, and the window they used. */
  from: string;
  to: string;
  range: string;
  rateInterval: string;
  scrapeIntervalSec: number;
  run: { projects: string[]; scenes: number; succeeded: number; totalCostUsd: number };
  panels: PanelResult[];
}
