import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { formatZodError } from '../../src/contract/format-zod-error';

/**
 * The Grafana dashboard, read as the one home of its panels' queries: `npm run dashboard:check` evaluates exactly these
 * against a real Prometheus, and test/unit/dashboard.test.ts checks their metric names against the catalogue.
 */
export const dashboardFile = join(__dirname, '..', '..', 'deploy', 'grafana', 'scene-video-dashboard.json');

/** Every query goes to the Prometheus the dashboard's `datasource` variable picks, so an import asks for one. */
const datasourceSchema = z.object({ type: z.literal('prometheus'), uid: z.literal('${datasource}') });

const targetSchema = z.object({
  datasource: datasourceSchema,
  refId: z.string().min(1),
  expr: z.string().min(1),
  legendFormat: z.string().min(1),
  /** An instant query (one value per series at the range's end, bar gauges), else a range query (time series). */
  instant: z.boolean(),
});

const rowSchema = z.object({ type: z.literal('row'), title: z.string() });

const queryPanelSchema = z.object({
  type: z.enum(['timeseries', 'bargauge']),
  title: z.string().min(1),
  description: z.string().min(1),
  datasource: datasourceSchema,
  gridPos: z.object({ w: z.number().int().min(1).max(24) }),
  // Figures carry units: a panel without one shows bare numbers.
  fieldConfig: z.object({ defaults: z.object({ unit: z.string().min(1) }) }),
  targets: z.array(targetSchema).min(1),
});

const dashboardSchema = z.object({
  title: z.string().min(1),
  uid: z.string().min(1),
  schemaVersion: z.number().int(),
  templating: z.object({ list: z.array(z.object({ name: z.string(), type: z.string() })) }),
  panels: z.array(z.discriminatedUnion('type', [rowSchema, queryPanelSchema])),
});

export interface PanelQuery {
  refId: string;
  expr: string;
  legendFormat: string;
  instant: boolean;
}

export interface DashboardPanel {
  title: string;
  type: z.infer<typeof queryPanelSchema>['type'];
  description: string;
  /** Grafana's unit id: `s`, `currencyUSD`, `Bps`, `reqps`, `percentunit`, or `suffix:<text>`. */
  unit: string;
  /** The row the panel sits under. */
  row?: string;
  /** Its width in Grafana's 24-column grid. */
  width: number;
  queries: PanelQuery[];
}

export interface Dashboard {
  title: string;
  uid: string;
  schemaVersion: number;
  variables: string[];
  panels: DashboardPanel[];
}

export function loadDashboard(file = dashboardFile): Dashboard {
  const parsed = dashboardSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a dashboard this check reads: ${formatZodError(parsed.error)}`);
  const { title, uid, schemaVersion, templating, panels } = parsed.data;
  let row: string | undefined;
  const queryPanels: DashboardPanel[] = [];
  for (const panel of panels) {
    if (panel.type === 'row') {
      row = panel.title;
      continue;
    }
    queryPanels.push({
      title: panel.title,
      type: panel.type,
      description: panel.description,
      unit: panel.fieldConfig.defaults.unit,
      row,
      width: panel.gridPos.w,
      queries: panel.targets.map(({ refId, expr, legendFormat, instant }) => ({ refId, expr, legendFormat, instant })),
    });
  }
  return { title, uid, schemaVersion, variables: templating.list.map((v) => v.name), panels: queryPanels };
}

/** What Grafana fills in for the variables the queries use, as Prometheus durations (`15s`, `3m`). */
export interface QueryWindow {
  /** `$__range`: the dashboard's time range. */
  range: string;
  /** `$__rate_interval`: the window of `rate()`, at least four scrape intervals. */
  rateInterval: string;
}

const variablePattern = /\$(?:\{(\w+)\}|(\w+))/g;

/** The query as Prometheus receives it from Grafana; a variable the check cannot fill in is an error naming it. */
export function expandQuery(expr: string, window: QueryWindow): string {
  const values: Record<string, string> = { __range: window.range, __rate_interval: window.rateInterval };
  return expr.replace(variablePattern, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    const value = values[name];
    if (value === undefined)
      throw new Error(`the query uses ${whole}, which only $__range and $__rate_interval may be: ${expr}`);
    return value;
  });
}

/** A series' name as the panel's legend shows it: `{{label}}` replaced by the series' label value. */
export function legendOf(legendFormat: string, labels: Record<string, string>): string {
  return legendFormat.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
}

/** The unit a person reads next to a value, for Grafana's unit id. */
export function unitText(unit: string): string {
  if (unit.startsWith('suffix:')) return unit.slice('suffix:'.length).trim();
  const names: Record<string, string> = {
    s: 's',
    currencyUSD: 'USD',
    Bps: 'B/s',
    reqps: 'req/s',
    percentunit: '%',
  };
  const name = names[unit];
  if (name === undefined) throw new Error(`unit "${unit}" has no reading here; add it to unitText`);
  return name;
}

/** A value with its unit, as the check prints it and the picture shows it. */
export function formatValue(value: number, unit: string): string {
  if (Number.isNaN(value)) return 'NaN (no observations in the window)';
  const text = unitText(unit);
  if (unit === 'percentunit') return `${(value * 100).toFixed(1)} %`;
  if (unit === 'currencyUSD') return `${value.toFixed(4)} ${text}`;
  const digits = Number.isInteger(value) ? 0 : Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 3;
  return `${value.toFixed(digits)} ${text}`;
}
