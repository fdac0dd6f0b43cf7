import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { metricsTables, readmePath, readmeWithMetrics } from '../../dev/tools/metrics-table';
import { attemptReasons, pipelineMetrics } from '../../src/contract/metrics';

describe('README.md "Metrics"', () => {
  it('holds the tables the catalogue generates (run `npx tsx dev/tools/metrics-table.ts` to update them)', async () => {
    const readme = readFileSync(readmePath, 'utf8');
    expect(await readmeWithMetrics(readme)).toBe(readme);
  });

  it('lists every metric of the catalogue with its labels, and every reason class', () => {
    const tables = metricsTables();
    for (const metric of Object.values(pipelineMetrics)) {
      const row = tables.split('\n').find((line) => line.startsWith(`| \`${metric.name}\` |`));
      expect(row, metric.name).toContain(metric.labels.map((l) => `\`${l}\``).join(', '));
    }
    for (const reason of attemptReasons) expect(tables).toContain(`| \`${reason}\` |`);
  });
});
