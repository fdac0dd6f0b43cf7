import { scrapeMetrics } from './prometheus-scrape';

/** The Temporal server's persistence operations so far, by operation (e.g. `UpdateWorkflowExecution`), from `/metrics`. */
export async function persistenceRequests(metricsUrl: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const sample of await scrapeMetrics(metricsUrl)) {
    const operation = sample.labels.operation;
    if (sample.name !== 'persistence_requests' || operation === undefined) continue;
    counts[operation] = (counts[operation] ?? 0) + sample.value;
  }
  return counts;
}
