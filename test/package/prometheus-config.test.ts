import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandQuery, loadDashboard } from '../../dev/dashboard/dashboard';
import { resolveCompanion } from '../../dev/stack/provision';

/**
 * What a real Prometheus makes of the files this repository gives it, read by promtool of the Prometheus that
 * `npm run dashboard:check` runs (Debian's 2.42.0, dev/stack/tool-versions.ts): no server, no scrape.
 */

const root = join(__dirname, '..', '..');
let promtool: string;
let scratch: string;

beforeAll(async () => {
  // Extracted from Debian's package on first use (a few seconds), else from the tool cache.
  promtool = await resolveCompanion('prometheus', 'promtool', (line) => console.log(`[prometheus-config] ${line}`));
  scratch = mkdtempSync(join(tmpdir(), 'prometheus-config-'));
}, 300_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function runPromtool(...args: string[]) {
  const result = spawnSync(promtool, args, { encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('Prometheus files, read by promtool', () => {
  it("accepts the compose deployment's scrape configuration", () => {
    const { code, output } = runPromtool('check', 'config', join(root, 'deploy', 'prometheus', 'prometheus.yml'));
    expect(code, output).toBe(0);
  });

  it("parses every dashboard panel's query as Grafana sends it", () => {
    // Recording rules are the one file promtool parses queries in (JSON is YAML); each named after its panel, so a
    // parse error says which.
    const rules = loadDashboard().panels.flatMap((panel) =>
      panel.queries.map((q) => ({
        record: `${panel.title}_${q.refId}`.toLowerCase().replace(/[^a-z0-9]+/g, '_'),
        expr: expandQuery(q.expr, { range: '1h', rateInterval: '1m' }),
      })),
    );
    const file = join(scratch, 'dashboard-rules.yml');
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }, null, 2));
    const { code, output } = runPromtool('check', 'rules', file);
    expect(code, output).toBe(0);
    expect(output).toContain(`${rules.length} rules found`);
  });
});
