import { describe, expect, it } from 'vitest';
import { expandQuery, loadDashboard, unitText, type DashboardPanel } from '../../dev/dashboard/dashboard';
import { everySeriesLabels, knownSeries, type KnownSeries } from '../../dev/dashboard/known-metrics';
import { queryNames } from '../../dev/dashboard/promql';
import { attemptOutcomes, attemptReasons, httpStatusClasses, pipelineMetrics } from '../../src/contract/metrics';

/**
 * deploy/grafana/scene-video-dashboard.json against the metric catalogue (src/contract/metrics.ts) and the SDK's
 * metrics: a renamed metric or label would leave a panel silently empty in Grafana. `npm run dashboard:check` runs the
 * same queries against a real Prometheus scraping a worker.
 */

const dashboard = loadDashboard();
const series = knownSeries();
const queries = dashboard.panels.flatMap((panel) => panel.queries.map((query) => ({ panel, query })));
const label = ({ panel, query }: { panel: DashboardPanel; query: { refId: string } }) =>
  `${panel.title} (${query.refId})`;

/** The values a label may take, where the catalogue bounds them. */
const boundedValues: Record<string, readonly string[]> = {
  outcome: attemptOutcomes,
  reason: attemptReasons,
  status_class: httpStatusClasses,
};

/** The Grafana units that show a value of each catalogue or SDK unit. */
const panelUnitsFor: Record<string, readonly string[]> = {
  s: ['s'],
  USD: ['currencyUSD'],
  By: ['Bps', 'bytes'],
};

describe('the Grafana dashboard', () => {
  it('is a dashboard Grafana 10.4 and later imports, asking for a Prometheus data source', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.variables).toContain('datasource');
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(12);
  });

  it('selects only series the worker exports: the catalogue, or the SDK metrics', () => {
    for (const q of queries) {
      const { selectors } = queryNames(q.query.expr);
      expect(selectors.length, label(q)).toBeGreaterThan(0);
      for (const s of selectors) expect(series.has(s.name), `${label(q)}: ${s.name}`).toBe(true);
    }
  });

  it('matches and groups only by labels those series carry, and matches only values the catalogue allows', () => {
    for (const q of queries) {
      const { selectors, groupingLabels } = queryNames(q.query.expr);
      const carried = new Set<string>(everySeriesLabels);
      for (const s of selectors) {
        const known = series.get(s.name)!;
        known.labels.forEach((l) => carried.add(l));
        for (const m of s.matchers) {
          expect([...known.labels, ...everySeriesLabels], `${label(q)}: ${s.name}{${m.label}}`).toContain(m.label);
          const allowed = boundedValues[m.label];
          if (allowed && (m.op === '=' || m.op === '=~')) {
            for (const value of m.value.split('|')) expect(allowed, `${label(q)}: ${m.label}`).toContain(value);
          }
        }
      }
      for (const l of groupingLabels) expect([...carried], `${label(q)}: by ${l}`).toContain(l);
      // The legend names only labels the query keeps, or it would show blanks.
      for (const [, name] of q.query.legendFormat.matchAll(/\{\{\s*(\w+)\s*\}\}/g))
        expect(groupingLabels, `${label(q)}: legend {{${name}}}`).toContain(name);
    }
  });

  it('shows every metric of the catalogue in some panel', () => {
    const shown = new Set(
      queries.flatMap((q) => queryNames(q.query.expr).selectors.map((s) => series.get(s.name)?.metric)),
    );
    const missing = Object.values(pipelineMetrics)
      .map((m) => m.name)
      .filter((name) => !shown.has(name));
    expect(missing).toEqual([]);
  });

  it("sets each panel's unit to what its queries return: seconds, USD, bytes, or a count", () => {
    for (const panel of dashboard.panels) {
      expect(() => unitText(panel.unit), panel.title).not.toThrow();
      const units = new Set(
        panel.queries
          .flatMap((q) => queryNames(q.expr).selectors)
          .map((s) => series.get(s.name)!)
          .filter((s: KnownSeries) => s.part !== 'count' && s.unit !== undefined)
          .map((s) => s.unit!),
      );
      expect(units.size, `${panel.title}: one unit per panel`).toBeLessThanOrEqual(1);
      const [unit] = [...units];
      if (unit === undefined) {
        expect(Object.values(panelUnitsFor).flat(), `${panel.title}: a count shows no measured unit`).not.toContain(
          panel.unit,
        );
      } else {
        expect(panelUnitsFor[unit], `${panel.title}: values in ${unit}`).toContain(panel.unit);
      }
    }
  });

  it('uses only the variables the check fills in as Grafana does', () => {
    for (const q of queries) {
      const expanded = expandQuery(q.query.expr, { range: '90s', rateInterval: '15s' });
      expect(expanded, label(q)).not.toContain('$');
    }
    expect(() => expandQuery('rate(x[$interval])', { range: '1m', rateInterval: '1m' })).toThrow(
      /uses \$interval, which only \$__range and \$__rate_interval may be/,
    );
  });
});

describe('reading PromQL for the check', () => {
  it('finds selectors with their matchers, and grouping labels, past functions, ranges and operators', () => {
    const names = queryNames(
      '(sum by (provider) (increase(a_total{outcome="succeeded", reason=~"x|y"}[$__range])) or ' +
        'sum without (le) (b_bucket offset 5m) * 0) / on (provider) group_left c',
    );
    expect(names.selectors).toEqual([
      {
        name: 'a_total',
        matchers: [
          { label: 'outcome', op: '=', value: 'succeeded' },
          { label: 'reason', op: '=~', value: 'x|y' },
        ],
      },
      { name: 'b_bucket', matchers: [] },
      { name: 'c', matchers: [] },
    ]);
    expect(names.groupingLabels).toEqual(['provider', 'le', 'provider']);
  });

  it('reads histogram_quantile and its numbers without taking them for series', () => {
    expect(queryNames('histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m]))) > 1e3').selectors).toEqual([
      { name: 'h_bucket', matchers: [] },
    ]);
  });
});
