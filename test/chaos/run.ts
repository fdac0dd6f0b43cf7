import { emptyReport, passed, printFigures, summaryTable, type ScenarioReport } from './lib/report';
import { RestartableStack } from './lib/restartable-stack';
import { badInput } from './scenarios/bad-input';
import { budgetCap } from './scenarios/budget-cap';
import { cancelDuringUpload } from './scenarios/cancel-during-upload';
import { faultMatrix } from './scenarios/fault-matrix';
import { gateKills } from './scenarios/gate-kills';
import { projectCancel } from './scenarios/project-cancel';
import { projectStaleScene, staleCases } from './scenarios/project-stale-scene';
import { providerOutage } from './scenarios/provider-outage';
import { idCollisions } from './scenarios/id-collisions';
import { hostileReplies } from './scenarios/hostile-replies';
import { payloadLimitsScenario } from './scenarios/payload-limits';
import { secrets } from './scenarios/secrets';
import { serverRestart } from './scenarios/server-restart';
import { storageOutage } from './scenarios/storage-outage';
import { targetedKills } from './scenarios/targeted-kills';
import { unsafeUrlScenario } from './scenarios/unsafe-urls';
import { unstoredOutcomes } from './scenarios/unstored-outcomes';
import { webhooks } from './scenarios/webhooks';
import { workerKills } from './scenarios/worker-kills';

/** Each scenario on the runner's own restartable stack; `npm run test:chaos -- <name>…` runs only those named. */
const scenarios: Record<string, (stack: RestartableStack) => Promise<ScenarioReport>> = {
  'worker-kills': (stack) =>
    workerKills(stack, {
      soloScenes: 40,
      projects: 2,
      scenesPerProject: 10,
      killWindowMs: 5 * 60_000,
      killAfterMs: [2_000, 7_000],
      settleMs: 8 * 60_000,
      log: (line) => console.log(line),
    }),
  'targeted-kills': (stack) => targetedKills(stack),
  'server-restart': (stack) => serverRestart(stack, { scenes: 16, projectScenes: 6, downMs: 20_000 }),
  'storage-outage': (stack) =>
    storageOutage(
      stack,
      { endpoint: () => stack.s3, stop: () => stack.stopS3(), start: () => stack.startS3() },
      { scenes: 6, downMs: 45_000, videoBytes: 20 * 1024 * 1024, bytesPerSec: 2 * 1024 * 1024 },
    ),
  'fault-matrix': (stack) => faultMatrix(stack, { routes: 'both', includeSlow: true, concurrency: 8 }),
  'bad-input': (stack) => badInput(stack),
  'unsafe-urls': (stack) => unsafeUrlScenario(stack),
  secrets: (stack) => secrets(stack),
  'budget-cap': (stack) => budgetCap(stack, { full: true }),
  'project-cancel': (stack) =>
    projectCancel(stack, { phases: ['pending', 'generating', 'uploading'], pendingScenes: 8 }),
  'project-stale-scene': (stack) => projectStaleScene(stack, { cases: staleCases, finishWithinMs: 120_000 }),
  'id-collisions': (stack) => idCollisions(stack, { pairs: 5, simultaneous: 20 }),
  'hostile-replies': (stack) => hostileReplies(stack, { bystanders: 12, throughputWindowSec: 5, maxRssGrowthMiB: 150 }),
  'payload-limits': (stack) => payloadLimitsScenario(stack, { scenesAtLimit: 500, failingScenes: 500 }),
  'unstored-outcomes': (stack) =>
    unstoredOutcomes(
      stack,
      { endpoint: () => stack.s3, stop: () => stack.stopS3(), start: () => stack.startS3() },
      { scenes: 4 },
    ),
  'cancel-during-upload': (stack) =>
    cancelDuringUpload(stack, { perTiming: 4, videoBytes: 8 * 1024 * 1024, bytesPerSec: 1024 * 1024 }),
  webhooks: (stack) =>
    webhooks(stack, {
      scenes: 40,
      backstopSec: 5,
      outage: {
        scenesBefore: 10,
        scenesDuring: 10,
        duringAfterMs: 20_000,
        downMs: 60_000,
        backstopSec: 60,
        renderSec: [8, 14, 20, 26, 32],
        redeliverEveryMs: 10_000,
      },
    }),
  'gate-kills': (stack) =>
    gateKills(stack, { scenes: 24, limit: 3, renderMs: 4_000, kills: 3, downMs: 3_000, log: (l) => console.log(l) }),
  'provider-outage': (stack) =>
    providerOutage(stack, { outageMs: 120_000, afterMs: 30_000, arrivalMs: 2_000, log: (l) => console.log(l) }),
};

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in scenarios));
  if (unknown.length > 0) {
    console.error(`unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
    return 2;
  }
  const started = Date.now();
  const stack = await RestartableStack.start();
  const reports: ScenarioReport[] = [];
  try {
    for (const [name, run] of Object.entries(scenarios)) {
      if (wanted.length > 0 && !wanted.includes(name)) continue;
      const t = Date.now();
      console.log(`\n▶ ${name}…`);
      let report: ScenarioReport;
      try {
        report = await run(stack);
      } catch (err) {
        report = emptyReport(name);
        report.problems.push(`scenario crashed: ${(err as Error).stack ?? String(err)}`);
      }
      report.figures.push(`wall time ${((Date.now() - t) / 1000).toFixed(0)} s`);
      printFigures(report);
      reports.push(report);
    }
  } finally {
    await stack.stop();
  }
  console.log(`\n${summaryTable(reports)}`);
  console.log(`\nchaos run: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return reports.every(passed) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
