import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxRouteEnv } from '../../dev/harness/sandbox-routes';
import { defaultCatalogue } from '../../src/config/catalogue';
import { estimateCostUsd } from '../../src/domain/pricing';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { jsonOf, runCli, stackEnv } from './run-cli';

let h: SceneHarness;
let env: NodeJS.ProcessEnv;
let dir: string;
const runId = Math.random().toString(36).slice(2, 8);
/** Runway's account holds 30 credits: $0.30, less than one 5 s Runway scene. */
const runwayCredits = 30;

beforeAll(async () => {
  h = await startSceneHarness({
    scenario: {
      default: { queueMs: 100, renderMs: 600 },
      models: { 'runway:gen4.5': { concurrency: 4 } },
      account: { runwayCredits },
    },
  });
  // The CLI holds the same keys as the worker, so it can ask the accounts the project would spend on.
  env = { ...stackEnv(h.taskQueue), ...sandboxRouteEnv(h.sandbox) };
  dir = mkdtempSync(join(tmpdir(), 'scene-video-balance-'));
});
afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A hook scene (Runway ranks first) and a testimonial (Kling, on PiAPI, ranks first). */
function projectFile(name: string): { file: string; projectId: string } {
  const projectId = `balance-${runId}-${name}`;
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      projectId,
      polling: { intervalMs: 200 },
      scenes: [
        { sceneId: 'hook', sceneType: 'hook', prompt: 'Cinematic sunrise', durationSec: 5, aspectRatio: '16:9' },
        { sceneId: 'face', sceneType: 'testimonial', prompt: 'A woman smiling', durationSec: 5, aspectRatio: '16:9' },
      ],
    }),
  );
  return { file, projectId };
}

const runwayEstimate = estimateCostUsd(
  defaultCatalogue.find((p) => p.key === 'runway')!,
  5,
);

describe('provider accounts through the CLI, against the sandbox', () => {
  it('providers --check reports each route: balance in USD, credits, per-model limits', async () => {
    const [json, human] = await Promise.all([
      runCli(['providers', '--check', '--json'], env),
      runCli(['providers', '--check'], env),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const accounts = jsonOf(json).accounts as { route: string }[];
    const byRoute = Object.fromEntries(accounts.map((a) => [a.route, a]));
    expect(byRoute.runway).toMatchObject({
      checked: true,
      balanceUsd: runwayCredits / 100,
      credits: { amount: runwayCredits, unit: 'credits at 0.01 USD' },
      models: { 'gen4.5': { maxConcurrentGenerations: 4, maxDailyGenerations: expect.any(Number) } },
    });
    expect(byRoute.piapi).toMatchObject({ checked: true, balanceUsd: 1000, models: {} });

    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^ {2}Runway: balance 0\.3000 USD \(30 credits at 0\.01 USD\)$/m);
    expect(human.stdout).toMatch(/^ {2}PiAPI: balance 1000\.0000 USD/m);
    expect(human.stdout).toMatch(
      /MODEL\s+CONCURRENT \(generations\)\s+DAILY LIMIT \(generations\/24 h\)\s+USED TODAY \(generations\)/,
    );
    expect(human.stdout).toMatch(/^\s+gen4\.5\s+\d+\s+\d+\s+\d+$/m);
  });

  it('providers --check names a route it could not check and what to do, and exits 1', async () => {
    const run = await runCli(['providers', '--check'], { ...env, RUNWAY_API_KEY: 'key_wrong' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Runway: could not be checked: .*HTTP 401/);
    expect(run.stdout).toMatch(/Check RUNWAY_API_KEY: Runway refused the key\./);
    expect(run.stdout).toMatch(/PiAPI: balance 1000\.0000 USD/);
    expect(run.stdout).not.toContain('key_wrong');
  });

  it('project refuses a project whose estimate exceeds a route balance, and starts nothing', async () => {
    const { file, projectId } = projectFile('refused');
    const [human, json] = await Promise.all([runCli(['project', file], env), runCli(['project', file, '--json'], env)]);
    expect(human.code).toBe(6);
    expect(human.stderr).toContain(
      `Runway (RUNWAY_API_KEY): the estimate is ${runwayEstimate.toFixed(4)} USD for 1 scene(s) (hook) but the ` +
        'account reports a balance of 0.3000 USD',
    );
    expect(human.stderr).toMatch(/nothing was started/);
    expect(human.stderr).toMatch(/pass --ignore-balance to start anyway/);
    // PiAPI's estimate fits its balance: it is not named.
    expect(human.stderr).not.toMatch(/PiAPI \(/);
    expect(json.code).toBe(6);
    expect(jsonOf(json).error).toMatchObject({ code: 'insufficient_balance', exitCode: 6 });
    const err = await h.client.workflow
      .getHandle(`project-video-${projectId}`)
      .describe()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowNotFoundError);
    expect(h.sandbox.stats().tasks).toHaveLength(0);
  });

  it('--ignore-balance starts it anyway; attaching to it later is never refused', async () => {
    const { file, projectId } = projectFile('ignored');
    const run = await runCli(['project', file, '--ignore-balance', '--wait', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOf(run)).toMatchObject({ workflowId: `project-video-${projectId}`, started: true, status: 'COMPLETED' });
    expect(jsonOf(run).result.counts).toMatchObject({ succeeded: 2 });

    const again = await runCli(['project', file, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(jsonOf(again)).toMatchObject({ started: false, status: 'COMPLETED' });
  });

  it('a route whose balance cannot be read warns and does not block', async () => {
    const { file } = projectFile('unreadable');
    const run = await runCli(['project', file, '--wait', '--json'], { ...env, RUNWAY_API_KEY: 'key_wrong' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning: Runway balance not checked \(the project is not held back by it\): .*401/);
    expect(run.stderr).not.toContain('key_wrong');
    expect(jsonOf(run)).toMatchObject({ started: true, status: 'COMPLETED' });
  });
});
