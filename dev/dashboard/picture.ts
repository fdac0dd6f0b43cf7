import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../harness/chromium';
import { formatValue, unitText } from './dashboard';
import type { CheckResults, PanelResult } from './results';

const root = resolve(__dirname, '..', '..');

/** Grafana's classic palette, in its order. */
const palette = ['#7eb26d', '#eab839', '#6ed0e0', '#ef843c', '#e24d42', '#1f78c1', '#ba43a9', '#705da0', '#508642'];

const escape = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A compact value for an axis: the unit once, in the panel's subtitle. */
function axisValue(value: number, unit: string): string {
  if (unit === 'percentunit') return `${Math.round(value * 100)}`;
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return abs >= 10 ? value.toFixed(0) : abs >= 1 ? value.toFixed(1) : value.toFixed(2);
}

/** A line per series over the run, seconds from its start on the x axis; a gap where Prometheus had no value. */
function timeSeriesSvg(panel: PanelResult, fromSec: number, toSec: number): string {
  const [w, h, left, bottom, top] = [420, 150, 44, 20, 6];
  const series = panel.queries.flatMap((q) => q.series);
  const values = series.flatMap((s) => s.samples.map(([, v]) => v)).filter((v) => Number.isFinite(v));
  const max = Math.max(...values, 0) * 1.1 || 1;
  const x = (t: number) => left + ((t - fromSec) / (toSec - fromSec)) * (w - left - 4);
  const y = (v: number) => top + (1 - v / max) * (h - top - bottom);
  const grid = [0, 0.5, 1].map((f) => {
    const v = max * f;
    return `<line x1="${left}" x2="${w}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${left - 4}" y="${y(v) + 4}" class="axis" text-anchor="end">${axisValue(v, panel.unit)}</text>`;
  });
  const span = toSec - fromSec;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const anchor = f === 0 ? 'start' : f === 1 ? 'end' : 'middle';
    return `<text x="${x(fromSec + f * span)}" y="${h - 4}" class="axis" text-anchor="${anchor}">${Math.round(f * span)} s</text>`;
  });
  const lines = series.map((s, i) => {
    const segments: string[][] = [[]];
    for (const [t, v] of s.samples) {
      if (Number.isFinite(v)) segments[segments.length - 1]!.push(`${x(t).toFixed(1)},${y(v).toFixed(1)}`);
      else if (segments[segments.length - 1]!.length > 0) segments.push([]);
    }
    const color = palette[i % palette.length];
    return segments
      .filter((points) => points.length > 0)
      .map((points) =>
        points.length === 1
          ? `<circle cx="${points[0]!.split(',')[0]}" cy="${points[0]!.split(',')[1]}" r="2.5" fill="${color}"/>`
          : `<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`,
      )
      .join('');
  });
  const legend = series.map((s, i) => {
    const finite = s.samples.map(([, v]) => v).filter((v) => Number.isFinite(v));
    const peak = finite.length > 0 ? formatValue(Math.max(...finite), panel.unit) : 'no value';
    return `<div class="legend"><span class="swatch" style="background:${palette[i % palette.length]}"></span>${escape(s.legend)}<span class="value">peak ${escape(peak)}</span></div>`;
  });
  return `<svg width="100%" viewBox="0 0 ${w} ${h}">${grid.join('')}${ticks.join('')}${lines.join('')}</svg>${legend.join('')}`;
}

/** A horizontal bar per series, its value at the run's end, as Grafana's bar gauge shows it. */
function barGauge(panel: PanelResult): string {
  const bars = panel.queries.flatMap((q) => q.series.map((s) => ({ legend: s.legend, value: s.samples.at(-1)![1] })));
  const max = panel.unit === 'percentunit' ? 1 : Math.max(...bars.map((b) => b.value).filter(Number.isFinite), 0) || 1;
  return bars
    .map((b, i) => {
      const share = Number.isFinite(b.value) ? Math.max(0, b.value / max) : 0;
      const color = palette[i % palette.length];
      return `<div class="bar"><span class="label">${escape(b.legend)}</span><span class="track"><span class="fill" style="width:${(share * 100).toFixed(1)}%;background:${color}"></span></span><span class="value">${escape(formatValue(b.value, panel.unit))}</span></div>`;
    })
    .join('');
}

function panelHtml(panel: PanelResult, fromSec: number, toSec: number): string {
  const empty = panel.queries.every((q) => q.series.length === 0);
  const body = empty
    ? '<div class="empty">No data</div>'
    : panel.type === 'timeseries'
      ? timeSeriesSvg(panel, fromSec, toSec)
      : barGauge(panel);
  return `<section class="panel" style="grid-column: span ${panel.width}"><h2>${escape(panel.title)}<small>${escape(unitText(panel.unit))}</small></h2>${body}</section>`;
}

/** The whole page: the dashboard's rows and panels in its own grid, dark as Grafana draws them. */
function pictureHtml(results: CheckResults): string {
  const fromSec = Date.parse(results.from) / 1000;
  const toSec = Date.parse(results.to) / 1000;
  const parts: string[] = [];
  let row: string | undefined;
  for (const panel of results.panels) {
    if (panel.row !== row) {
      row = panel.row;
      if (row) parts.push(`<h1 class="row">${escape(row)}</h1>`);
    }
    parts.push(panelHtml(panel, fromSec, toSec));
  }
  const { run } = results;
  const caption =
    `${run.projects.join(', ')}: ${run.succeeded} of ${run.scenes} scenes, $${run.totalCostUsd} ` +
    `in ${Math.round(toSec - fromSec)} s ` +
    `on sandbox providers; Prometheus 2.42.0 scraping the worker every ${results.scrapeIntervalSec} s; ` +
    `bar gauges over the run (${results.range}), rates over ${results.rateInterval}. Drawn from npm run dashboard:check.`;
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; padding: 16px; background: #111217; color: #ccccdc; font: 12px Inter, "Helvetica Neue", Arial, sans-serif; width: 1368px; }
  header h1 { font-size: 18px; margin: 0 0 2px; color: #fff; font-weight: 500; }
  header p { margin: 0 0 8px; color: #8e8e9e; }
  .grid { display: grid; grid-template-columns: repeat(24, 1fr); gap: 8px; }
  h1.row { grid-column: 1 / -1; font-size: 14px; margin: 8px 0 0; color: #d8d9da; font-weight: 500; }
  .panel { background: #181b1f; border: 1px solid #2c3235; border-radius: 3px; padding: 8px 10px; min-height: 170px; }
  .panel h2 { font-size: 13px; margin: 0 0 6px; color: #d8d9da; font-weight: 500; display: flex; justify-content: space-between; }
  .panel h2 small { color: #8e8e9e; font-weight: 400; }
  svg line.grid { stroke: #2c3235; } svg text.axis { fill: #8e8e9e; font-size: 10px; }
  .legend { display: flex; align-items: center; gap: 6px; font-size: 11px; line-height: 16px; }
  .legend .value, .bar .value { margin-left: auto; color: #d8d9da; white-space: nowrap; }
  .swatch { width: 12px; height: 3px; display: inline-block; }
  .bar { display: flex; align-items: center; gap: 8px; margin: 5px 0; font-size: 11px; }
  .bar .label { width: 42%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .bar .track { flex: 1; height: 14px; background: #22252b; border-radius: 2px; overflow: hidden; }
  .bar .fill { display: block; height: 100%; opacity: 0.85; }
  .bar .value { width: 86px; text-align: right; }
  .empty { color: #8e8e9e; text-align: center; padding-top: 60px; }
</style></head><body><header><h1>${escape(results.dashboard)}</h1><p>${escape(caption)}</p></header>
<div class="grid">${parts.join('\n')}</div></body></html>`;
}

/** `npm run dashboard:picture`: the check's results drawn as the dashboard's panels, screenshot by headless Chromium. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      results: { type: 'string', default: join(root, '.data', 'dashboard-check', 'results.json') },
      out: { type: 'string', default: join(root, 'assets', 'dashboard-panels.png') },
    },
  });
  const results = JSON.parse(readFileSync(values.results, 'utf8')) as CheckResults;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    await page.setContent(pictureHtml(results));
    await page.screenshot({ path: values.out, fullPage: true });
  } finally {
    await browser.close();
  }
  console.log(`wrote ${values.out} (${results.panels.length} panels from ${values.results})`);
}

main().catch((err: unknown) => {
  console.error(`dashboard picture failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
