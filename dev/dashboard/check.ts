import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connectFromEnv, loadClientEnv } from '../../src/client/connection';
import { getProjectProgress, startProjectVideos, waitForProjectVideos } from '../../src/client/project-videos';
import type { ProjectInput } from '../../src/contract/project-input';
import type { ProjectResult } from '../../src/contract/project-workflow';
import { roundUsd } from '../../src/domain/pricing';
import { workerEnv, workerStackOf } from '../harness/worker-env';
import { spawnWorkerProcess, type WorkerProcess } from '../harness/worker-process';
import { startSandbox, type Sandbox } from '../sandbox';
import { freePort } from '../stack/free-port';
import { removeWithParent } from '../stack/managed-process';
import { resolveTool } from '../stack/provision';
import { startStack, stopOnSignals, type Stack } from '../stack/stack';
import { expandQuery, formatValue, legendOf, loadDashboard, type DashboardPanel, type QueryWindow } from './dashboard';
import { startPrometheus, type PrometheusServer } from './prometheus';
import { queryNames } from './promql';
import type { CheckResults, PanelResult, QueryResult } from './results';

const root = resolve(__dirname, '..', '..');
const taskQueue = 'scene-video-dashboard-check';
/** Often enough that the demo's short renders land in several scrapes. */
const scrapeIntervalSec = 1;
/**
 * `$__rate_interval` as Grafana fills it in for a panel with a 10 s minimum interval: wide enough that a render ending
 * in it shows in the percentiles at this scrape interval, as Grafana's own 4 x 15 s does at the compose file's.
 */
const rateInterval = '10s';
/**
 * Copies of the project start this far apart, so scenes overlap and every kind of series counts more than once, as
 * they do on a worker that has run for a while.
 */
const roundGapMs = 8_000;
/** Grafana's step for a minute-long time range on a panel about a thousand pixels wide, at this scrape interval. */
const stepSec = 2;

/**
 * `npm run dashboard:check`: the demo (embedded stack, sandbox providers with the demo's failure, the sample project,
 * three copies of it by default) on
 * a worker process that serves its metrics, a real Prometheus scraping it, then every panel query of the Grafana
 * dashboard evaluated through Prometheus's HTTP API as Grafana sends it. Fails when a query errors or finds no series.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      project: { type: 'string', default: join(root, 'examples', 'launch-campaign.json') },
      scenario: { type: 'string', default: join(root, 'examples', 'sandbox-scenario.json') },
      rounds: { type: 'string', default: '3' },
      out: { type: 'string', default: join(root, '.data', 'dashboard-check', 'results.json') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'npm run dashboard:check [-- --project file.json] [-- --scenario sandbox.json] [-- --rounds 3] [-- --out results.json]\n' +
        `  --rounds  copies of the project to run, started ${roundGapMs / 1000} s apart (1 to 10, default 3)\n` +
        '  --out     where the panels’ results go, for npm run dashboard:picture (default .data/dashboard-check/results.json)',
    );
    return;
  }
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10)
    throw new Error(`--rounds must be a whole number from 1 to 10, got "${values.rounds}"`);
  const started = Date.now();
  const say = (line: string) =>
    console.log(`[dashboard-check ${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
  const dashboard = loadDashboard();
  say(`${dashboard.panels.length} panels in "${dashboard.title}" (deploy/grafana/scene-video-dashboard.json)`);
  const prometheusBinary = await resolveTool('prometheus', say);

  const scratch = mkdtempSync(join(tmpdir(), 'scene-video-dashboard-check-'));
  const unwatchScratch = removeWithParent(scratch);
  let stack: Stack | undefined;
  let sandbox: Sandbox | undefined;
  let worker: WorkerProcess | undefined;
  let prometheus: PrometheusServer | undefined;
  try {
    say('starting the embedded stack (Temporal dev server + S3 server)…');
    stack = await startStack({ progress: say });
    stopOnSignals(stack, () => void worker?.kill());
    sandbox = await startSandbox({ scenario: JSON.parse(readFileSync(values.scenario, 'utf8')) as object });
    say(`sandbox providers at ${sandbox.origin} (scenario ${values.scenario})`);

    const metricsAddress = `127.0.0.1:${await freePort()}`;
    worker = spawnWorkerProcess({
      env: { ...workerEnv(workerStackOf(stack), sandbox, { taskQueue }), WORKER_METRICS_ADDRESS: metricsAddress },
      readyTimeoutMs: 120_000,
    });
    await worker.ready;
    await expectMetricsEndpoint(metricsAddress);
    say(`worker polling "${taskQueue}", metrics at http://${metricsAddress}/metrics`);

    prometheus = await startPrometheus({
      binary: prometheusBinary,
      job: 'scene-video-worker',
      targets: [metricsAddress],
      scrapeIntervalSec,
      dataDir: join(scratch, 'prometheus'),
    });
    await prometheus.scraping(30_000);
    say(`Prometheus ${prometheus.url} scraping the worker every ${scrapeIntervalSec} s`);

    const project = JSON.parse(readFileSync(values.project, 'utf8')) as ProjectInput;
    // The emulators answer at once; a 1 s poll keeps the demo short.
    project.polling ??= { intervalMs: 1_000, providerDeadlineMs: 10 * 60_000 };
    const { client, close } = await connectFromEnv(loadClientEnv({ TEMPORAL_ADDRESS: stack.temporal.address }));
    const from = new Date();
    const workflowIds: string[] = [];
    const ticker = setInterval(() => {
      void Promise.all(workflowIds.map((id) => getProjectProgress(client, id)))
        .then((all) => {
          const scenes = all.reduce((n, p) => n + p.scenes.length, 0);
          const ended = all.reduce((n, p) => n + p.scenes.length - p.counts.pending - p.counts.running, 0);
          say(`  ${ended} of ${scenes} scenes ended`);
        })
        .catch(() => undefined);
    }, 5_000);
    let ended: ProjectResult[];
    try {
      for (let round = 1; round <= rounds; round++) {
        if (round > 1) await new Promise((r) => setTimeout(r, roundGapMs));
        const projectId = rounds === 1 ? project.projectId : `${project.projectId}-${round}`;
        workflowIds.push((await startProjectVideos(client, { ...project, projectId }, { taskQueue })).workflowId);
        say(`started project "${projectId}" (${project.scenes.length} scenes)`);
      }
      ended = await Promise.all(workflowIds.map((id) => waitForProjectVideos(client, id)));
    } finally {
      clearInterval(ticker);
      await close();
    }
    const run = {
      projects: ended.map((r) => r.projectId),
      scenes: ended.reduce((n, r) => n + r.scenes.length, 0),
      succeeded: ended.reduce((n, r) => n + r.counts.succeeded, 0),
      totalCostUsd: roundUsd(ended.reduce((sum, r) => sum + r.totalCostUsd, 0)),
    };
    say(`projects ended: ${run.succeeded} of ${run.scenes} scenes succeeded, $${run.totalCostUsd}`);
    // Two more scrapes, so the last metrics the worker recorded are in.
    await new Promise((r) => setTimeout(r, 2_500 * scrapeIntervalSec));

    const to = new Date();
    const window: QueryWindow = { range: `${Math.ceil((to.getTime() - from.getTime()) / 1000) + 5}s`, rateInterval };
    say(`evaluating ${dashboard.panels.length} panels over the run (${window.range}; rate window ${rateInterval})`);
    const panels: PanelResult[] = [];
    for (const panel of dashboard.panels) panels.push(await evaluatePanel(prometheus, panel, window, from, to));

    const results: CheckResults = {
      dashboard: dashboard.title,
      from: from.toISOString(),
      to: to.toISOString(),
      ...window,
      scrapeIntervalSec,
      run,
      panels,
    };
    mkdirSync(dirname(values.out), { recursive: true });
    writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(report(panels));
    const failed = panels.filter(panelFailed);
    if (failed.length > 0) {
      const absent = await absentMetrics(prometheus, failed);
      console.log(
        `\n✗ ${failed.length} of ${panels.length} panels found no series or failed: ${failed.map((p) => p.title).join('; ')}` +
          (absent.length > 0 ? `\n  The worker exports none of: ${absent.join(', ')}` : ''),
      );
      process.exitCode = 1;
    } else {
      console.log(`\n✓ all ${panels.length} panels found series (results in ${values.out})`);
    }
    const disagreements = agreement(panels, run);
    for (const line of disagreements) console.log(`✗ ${line}`);
    if (disagreements.length > 0) process.exitCode = 1;
    else console.log('✓ the spend and scene panels agree with what the projects themselves report');
  } finally {
    say('stopping the worker, Prometheus, the sandbox and the stack…');
    await worker?.stop(30_000);
    await prometheus?.stop();
    await sandbox?.close();
    await stack?.stop();
    rmSync(scratch, { recursive: true, force: true });
    unwatchScratch();
  }
}

/** Fails early, and says why, when the worker took WORKER_METRICS_ADDRESS but serves nothing there. */
async function expectMetricsEndpoint(address: string): Promise<void> {
  const res = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(5_000) }).catch(
    (err: unknown) => err as Error,
  );
  if (res instanceof Error || !res.ok) {
    const why = res instanceof Error ? (res.cause instanceof Error ? res.cause.message : res.message) : res.status;
    throw new Error(
      `the worker serves no metrics at http://${address}/metrics (${why}) although WORKER_METRICS_ADDRESS is set: ` +
        'its runtime exports no Prometheus metrics (src/worker/runtime.ts)',
    );
  }
}

/** The panel's queries as Grafana sends them: instant ones at the run's end, range ones over the run. */
async function evaluatePanel(
  prometheus: PrometheusServer,
  panel: DashboardPanel,
  window: QueryWindow,
  from: Date,
  to: Date,
): Promise<PanelResult> {
  const queries: QueryResult[] = [];
  for (const query of panel.queries) {
    const sent = expandQuery(query.expr, window);
    try {
      const series = query.instant
        ? await prometheus.query(sent, to)
        : await prometheus.queryRange(sent, from, to, stepSec);
      queries.push({
        ...query,
        sent,
        series: series
          .map((s) => ({ ...s, legend: legendOf(query.legendFormat, s.labels) }))
          .sort((a, b) => a.legend.localeCompare(b.legend)),
      });
    } catch (err) {
      queries.push({ ...query, sent, series: [], error: err instanceof Error ? err.message : String(err) });
    }
  }
  const { queries: _, ...rest } = panel;
  return { ...rest, queries };
}

function panelFailed(panel: PanelResult): boolean {
  return panel.queries.some((q) => q.error !== undefined || q.series.length === 0);
}

/** Each panel's title and unit, and per series the value it shows (an instant query) or its last and peak values. */
function report(panels: PanelResult[]): string {
  const lines: string[] = [];
  for (const panel of panels) {
    lines.push('', `${panelFailed(panel) ? '✗' : '✓'} ${panel.title} [${panel.unit}]`);
    for (const q of panel.queries) {
      if (q.error) lines.push(`    ${q.refId}: query failed: ${q.error}`, `       ${q.sent}`);
      else if (q.series.length === 0) lines.push(`    ${q.refId}: no series`, `       ${q.sent}`);
      for (const s of q.series) {
        const values = s.samples.map(([, v]) => v).filter((v) => !Number.isNaN(v));
        const shown =
          values.length === 0
            ? formatValue(NaN, panel.unit)
            : q.instant
              ? formatValue(values[values.length - 1]!, panel.unit)
              : `last ${formatValue(values[values.length - 1]!, panel.unit)}, peak ${formatValue(Math.max(...values), panel.unit)}`;
        lines.push(`    ${s.legend}: ${shown}`);
      }
    }
  }
  return lines.join('\n');
}

/**
 * The totals two panels show against the projects' own results: billed spend against the money the scenes recorded,
 * succeeded scenes against the scenes stored. Panels are found by title; a renamed one is reported, not skipped.
 */
function agreement(panels: PanelResult[], run: CheckResults['run']): string[] {
  const total = (title: string, refId: string, legend: (l: string) => boolean): number | string => {
    const query = panels.find((p) => p.title === title)?.queries.find((q) => q.refId === refId);
    if (!query) return `no panel "${title}" with query ${refId} (dev/dashboard/check.ts compares it)`;
    return query.series.filter((s) => legend(s.legend)).reduce((sum, s) => sum + (s.samples.at(-1)?.[1] ?? 0), 0);
  };
  const problems: string[] = [];
  const billed = total('Spend vs estimate by provider', 'A', () => true);
  if (typeof billed === 'string') problems.push(billed);
  else if (Math.abs(billed - run.totalCostUsd) > 0.0001)
    problems.push(`billed spend by provider sums to ${billed} USD; the projects recorded ${run.totalCostUsd} USD`);
  const succeeded = total('Scenes by outcome', 'A', (l) => l === 'succeeded');
  if (typeof succeeded === 'string') problems.push(succeeded);
  else if (succeeded !== run.succeeded)
    problems.push(`scenes by outcome shows ${succeeded} succeeded; the projects stored ${run.succeeded}`);
  return problems;
}

/** Which metrics the failed panels select that Prometheus holds no series of at all. */
async function absentMetrics(prometheus: PrometheusServer, failed: PanelResult[]): Promise<string[]> {
  const names = new Set(
    failed.flatMap((p) => p.queries.flatMap((q) => queryNames(q.sent).selectors.map((s) => s.name))),
  );
  const present = await prometheus.query(`group by (__name__) ({__name__=~"${[...names].join('|')}"})`, new Date());
  const found = new Set(present.map((s) => s.labels.__name__));
  return [...names].filter((n) => !found.has(n)).sort();
}

main().catch((err: unknown) => {
  console.error(`dashboard check failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
