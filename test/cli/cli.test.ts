import { WorkflowNotFoundError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sceneWorkflowBundle } from '../../src/worker/create-worker';
import { generateSceneVideo } from '../../src/workflows';
import { getProgress } from '../../src/contract/scene-workflow';
import { defaultCatalogue } from '../../src/config/catalogue';
import { estimateCostUsd, worstCaseCostUsd } from '../../src/domain/pricing';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { waitFor } from '../helpers/wait-for';
import { generateFlags, jsonOf, runCli, spawnCli, stackEnv } from './run-cli';

let h: SceneHarness;
let env: NodeJS.ProcessEnv;
let dir: string;
/** One project id per run, so `cost --project` sees only this file's scenes. */
const projectId = `cli-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  // Luma and Hunyuan never leave the queue: scenes restricted to one stay running until cancelled. PiAPI can cancel
  // a queued Luma task; Hunyuan has no cancel.
  const stuck = { queueMs: 600_000 };
  h = await startSceneHarness({
    scenario: {
      default: { queueMs: 100, renderMs: 600 },
      models: { [sandboxKey('luma')]: stuck, [sandboxKey('hunyuan')]: stuck },
    },
  });
  env = stackEnv(h.taskQueue);
  dir = mkdtempSync(join(tmpdir(), 'scene-video-cli-'));
});
afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sceneFlags = (sceneId: string, extra: string[] = []) =>
  generateFlags({ projectId, sceneId, sceneType: 'testimonial', prompt: 'A customer smiles at the camera' }, extra);

async function expectNoWorkflow(workflowId: string): Promise<void> {
  const err = await h.client.workflow
    .getHandle(workflowId)
    .describe()
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowNotFoundError);
}

describe('scene-video CLI against the real stack', () => {
  it('generate --wait → status → cost → history export, all as JSON, and the history replays', async () => {
    const workflowId = `scene-video:${projectId}:hero`;
    const generated = await runCli(['generate', ...sceneFlags('hero'), '--wait', '--json'], env);
    expect(generated.code, generated.stderr).toBe(0);
    const gen = jsonOf(generated);
    expect(gen).toMatchObject({ workflowId, started: true, status: 'COMPLETED', taskQueue: h.taskQueue });
    expect(gen.follow).toBe(`scene-video status ${workflowId} --watch`);
    expect(gen.result).toMatchObject({ sceneId: 'hero', projectId, provider: 'kling', stored: true });
    expect(gen.result.totalCostUsd).toBeGreaterThan(0);

    const [status, human] = await Promise.all([
      runCli(['status', workflowId, '--json'], env),
      runCli(['status', workflowId], env),
    ]);
    expect(status.code, status.stderr).toBe(0);
    const view = jsonOf(status);
    expect(view).toMatchObject({ kind: 'scene', workflowId, status: 'COMPLETED', progressSource: 'query' });
    expect(view.progress.phase).toBe('succeeded');
    expect(view.progress.ranking[0]).toMatchObject({ provider: 'kling', score: 140 });
    expect(view.progress.attempts).toHaveLength(1);
    expect(view.progress.attempts[0]).toMatchObject({ provider: 'kling', state: 'succeeded' });
    expect(view.progress.totalCostUsd).toBe(gen.result.totalCostUsd);

    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Phase\s+succeeded with kling$/m);
    expect(human.stdout).toMatch(/PROVIDER\s+STATE\s+REASON\s+PROGRESS \(%\)\s+COST \(USD\)\s+TIME \(s\)/);
    expect(human.stdout).toMatch(/\bkling\s+succeeded\s+stored\s+100\b/);
    expect(human.stdout).toMatch(/^Total cost\s+\d+\.\d{4} USD$/m);

    // Visibility is eventually consistent: the closing CostUsd upsert shows up shortly after the result.
    const cost = await waitFor(async () => {
      const run = await runCli(['cost', '--since', '30m', '--project', projectId, '--json'], env);
      expect(run.code, run.stderr).toBe(0);
      const doc = jsonOf(run);
      return doc.total.scenes >= 1 && doc.total.usd > 0 ? doc : undefined;
    }, 30_000);
    expect(cost.query).toContain(`ProjectId = "${projectId}"`);
    expect(cost.total).toEqual({ scenes: 1, usd: gen.result.totalCostUsd });
    // Billed next to the catalogue estimate for the same attempt (5 s of Kling), from the scene's memo.
    const estimateUsd = estimateCostUsd(
      defaultCatalogue.find((p) => p.key === 'kling')!,
      5,
    );
    expect(cost.byProvider).toEqual([
      {
        key: 'kling',
        ...{ scenes: 1, succeeded: 1, notStored: 0, failed: 0 },
        ...{ usd: gen.result.totalCostUsd, estimateUsd, unestimatedUsd: 0 },
      },
    ]);
    expect(cost.bySceneType).toEqual([
      { key: 'testimonial', scenes: 1, succeeded: 1, notStored: 0, failed: 0, usd: gen.result.totalCostUsd },
    ]);
    expect(cost.note).toMatch(/its money under the provider each attempt billed/);

    const file = join(dir, 'hero.history.json');
    const exported = await runCli(['history', 'export', workflowId, file, '--json'], env);
    expect(exported.code, exported.stderr).toBe(0);
    expect(jsonOf(exported)).toMatchObject({ workflowId, file, status: 'COMPLETED' });
    expect(jsonOf(exported).events).toBeGreaterThan(10);
    const history: unknown = JSON.parse(readFileSync(file, 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: await sceneWorkflowBundle() }, history, workflowId);

    const again = await runCli(['generate', ...sceneFlags('hero')], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(`Attached to the existing workflow ${workflowId} \\(COMPLETED\\); nothing new was started`),
    );
  });

  it('cost groups by provider and scene type with units and the attribution note', async () => {
    const run = await runCli(['cost', '--since', '30m', '--project', projectId], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^PROVIDER\s+SCENES\s+SUCCEEDED\s+NOT STORED\s+FAILED\s+ESTIMATE \(USD\)\s+BILLED \(USD\)$/m,
    );
    expect(run.stdout).toMatch(/^kling\s+1\s+1\s+0\s+0\s+\d+\.\d{4}\s+\d+\.\d{4}$/m);
    expect(run.stdout).toMatch(/^total\s+\d+\s+\d+\.\d{4}\s+\d+\.\d{4}$/m);
    expect(run.stdout).toMatch(/^SCENE TYPE\s+SCENES\s+SUCCEEDED\s+NOT STORED\s+FAILED\s+SPEND \(USD\)$/m);
    expect(run.stdout).toMatch(/^total\s+\d+\s+\d+\.\d{4}$/m);
    expect(run.stdout).toMatch(/its money under the provider each attempt billed/);

    const bad = await runCli(['cost', '--since', 'yesterday'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since must be a number and a unit m, h, d or w/);
  });

  it('generate prints the workflow id and how to follow it; status --watch follows it line by line to the end', async () => {
    const workflowId = `scene-video:${projectId}:follow`;
    const started = await runCli(['generate', ...sceneFlags('follow')], env);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain(`Started scene workflow ${workflowId} on task queue ${h.taskQueue}.`);
    expect(started.stdout).toContain(`Follow it:  scene-video status ${workflowId} --watch`);

    const watched = await runCli(['status', workflowId, '--watch'], env);
    expect(watched.code, watched.stderr).toBe(0);
    // Not a terminal: no cursor movement, one line per change, then the final table.
    expect(watched.stdout).not.toContain('\x1b[');
    expect(watched.stdout).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d  ${workflowId} COMPLETED$`, 'm'));
    expect(watched.stdout).toMatch(
      /^\d\d:\d\d:\d\d {2}follow {2}succeeded {2}kling {2}100% {2}\d+\.\d s {2}\d+\.\d{4} USD$/m,
    );
    expect(watched.stdout).toMatch(/^Status\s+COMPLETED/m);
  });

  it('project <file> --watch follows every scene live; a second start attaches and --wait prints the result', async () => {
    const file = join(dir, 'project.json');
    const project = {
      $schema: '../../schemas/project.schema.json',
      projectId: `${projectId}-video`,
      polling: { intervalMs: 200 },
      scenes: [
        { sceneId: 'hook', sceneType: 'hook', prompt: 'Cinematic sunrise', durationSec: 5, aspectRatio: '16:9' },
        { sceneId: 'face', sceneType: 'testimonial', prompt: 'A woman smiling', durationSec: 5, aspectRatio: '16:9' },
      ],
    };
    writeFileSync(file, JSON.stringify(project));
    const watched = await runCli(['project', file, '--watch', '--json'], env);
    expect(watched.code, watched.stderr).toBe(0);
    const doc = jsonOf(watched);
    expect(doc).toMatchObject({ workflowId: `project-video-${projectId}-video`, started: true, status: 'COMPLETED' });
    expect(doc.result.counts).toMatchObject({ succeeded: 2, failed: 0, skipped: 0 });
    expect(doc.result.scenes.map((s: { provider: string }) => s.provider)).toEqual(['runway', 'kling']);
    // With --json the live view goes to stderr: a line per scene change, ending with each scene's success.
    expect(watched.stderr).toMatch(
      /^\d\d:\d\d:\d\d {2}hook {2}succeeded {2}runway {2}100% {2}\d+\.\d s {2}\d+\.\d{4} USD$/m,
    );
    expect(watched.stderr).toMatch(/^\d\d:\d\d:\d\d {2}face {2}succeeded {2}kling {2}100%/m);

    const [status, again] = await Promise.all([
      runCli(['status', doc.workflowId], env),
      runCli(['project', file, '--wait', '--json'], env),
    ]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Scenes\s+2: 2 succeeded/m);
    expect(status.stdout).toMatch(/^hook\s+hook\s+succeeded\s+runway\s+\d+\.\d{4}\s+ai-videos\//m);
    expect(again.code, again.stderr).toBe(0);
    expect(jsonOf(again)).toMatchObject({ workflowId: doc.workflowId, started: false, status: 'COMPLETED' });
    expect(jsonOf(again).result.totalCostUsd).toBe(doc.result.totalCostUsd);
  });

  it('a scene that fails exits 1 with the reason and its last progress', async () => {
    // Hailuo renders 16:9 only, so restricting a 9:16 scene to it leaves no provider to try.
    const run = await runCli(
      ['generate', ...sceneFlags('no-provider', ['--aspect', '9:16', '--allowed', 'hailuo']), '--wait', '--json'],
      env,
    );
    expect(run.code, run.stderr).toBe(1);
    const doc = jsonOf(run);
    expect(doc).toMatchObject({ workflowId: `scene-video:${projectId}:no-provider`, status: 'FAILED' });
    expect(doc.error).toMatch(
      /^workflow failed: cannot plan providers: no configured provider can render aspect ratio 9:16/,
    );
    expect(doc.progress.phase).toBe('failed');
  });

  it('Ctrl-C while waiting exits 130 and leaves the scene running; cancel stops it and its provider task', async () => {
    const workflowId = `scene-video:${projectId}:stuck`;
    const waiting = spawnCli(['generate', ...sceneFlags('stuck', ['--allowed', 'luma']), '--wait'], env);
    await waitFor(async () => waiting.stdoutText().includes('Waiting for the clip'), 30_000);
    waiting.kill('SIGINT');
    const interrupted = await waiting.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/interrupted\. Stopped waiting; the scene keeps going/);
    const taskId = await waitFor(
      async () => (await h.client.workflow.getHandle(workflowId).query(getProgress)).attempts[0]?.taskId,
      20_000,
    );

    const cancelled = await runCli(['cancel', workflowId, '--json'], env);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(jsonOf(cancelled)).toMatchObject({ workflowId, kind: 'scene', cancelRequested: true });

    const watched = await runCli(['status', workflowId, '--watch', '--json'], env);
    expect(watched.code).toBe(1);
    const view = jsonOf(watched);
    expect(view.status).toBe('CANCELLED');
    expect(view.progress.phase).toBe('cancelled');
    expect(h.sandbox.stats().deletes).toContain(taskId);

    const twice = await runCli(['cancel', workflowId], env);
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain(`${workflowId} is already CANCELLED; nothing to cancel.`);
  });

  it('cancelling a scene whose model has no cancel sends none: status shows the attempt may still bill', async () => {
    const workflowId = `scene-video:${projectId}:uncancellable`;
    const started = await runCli(['generate', ...sceneFlags('uncancellable', ['--allowed', 'hunyuan'])], env);
    expect(started.code, started.stderr).toBe(0);
    const taskId = await waitFor(
      async () => (await h.client.workflow.getHandle(workflowId).query(getProgress)).attempts[0]?.taskId,
      20_000,
    );
    const cancelled = await runCli(['cancel', workflowId], env);
    expect(cancelled.code, cancelled.stderr).toBe(0);

    const watched = await runCli(['status', workflowId, '--watch', '--json'], env);
    expect(watched.code).toBe(1);
    const attempt = jsonOf(watched).progress.attempts[0];
    expect(attempt).toMatchObject({ state: 'cancelled', notCancelled: 'Qubico/hunyuan has no cancel API' });
    expect(attempt.costUsd).toBe(
      worstCaseCostUsd(
        defaultCatalogue.find((p) => p.key === 'hunyuan')!,
        5,
      ),
    );
    expect(h.sandbox.stats().deletes).not.toContain(taskId);

    const human = await runCli(['status', workflowId], env);
    expect(human.stdout).toContain('cannot be cancelled; may still bill (Qubico/hunyuan has no cancel API)');
  });

  it('a clip rendered at another length than asked says so: asked 8 s, got 5 s', async () => {
    const workflowId = `scene-video:${projectId}:long`;
    const flags = sceneFlags('long', ['--duration', '8', '--allowed', 'kling']);
    const generated = await runCli(['generate', ...flags, '--wait'], env);
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout).toMatch(/^ {2}Clip length\s+asked 8 s, got 5 s$/m);
    expect(generated.stdout).toMatch(/^\s+1\s+kling\s+succeeded\s.*asked 8 s, got 5 s$/m);
    const status = await runCli(['status', workflowId], env);
    expect(status.stdout).toMatch(/Clip length\s+asked 8 s, got 5 s$/m);
  });

  it('bad input exits 2 naming the field, and starts nothing', async () => {
    /** A two-scene project file whose second scene has `wrong`. */
    const projectFile = (name: string, wrong: Record<string, unknown>) => {
      const file = join(dir, name);
      const scene = { sceneType: 'hook', prompt: 'ok', durationSec: 5, aspectRatio: '16:9' };
      const scenes = [
        { sceneId: 'a', ...scene },
        { sceneId: 'b', ...scene, ...wrong },
      ];
      writeFileSync(file, JSON.stringify({ projectId: `${projectId}-bad`, scenes }));
      return file;
    };
    const badProject = projectFile('bad-project.json', { durationSec: 90 });
    const unknownProviderProject = projectFile('unknown-provider-project.json', {
      allowedProviders: ['kling', 'sora'],
    });
    const notJson = join(dir, 'not-json.json');
    writeFileSync(notJson, '{ "projectId": ');
    const runs = await Promise.all([
      runCli(['generate', ...sceneFlags('bad-1', ['--duration', '90']), '--json'], env),
      runCli(['generate', ...sceneFlags('bad-2', ['--duration', 'five'])], env),
      runCli(['generate', ...sceneFlags('bad-3', ['--aspect', '4:3'])], env),
      runCli(['generate', '--scene-id', 'bad-4', '--scene-type', 'hook', '--duration', '5', '--aspect', '16:9'], env),
      runCli(['generate', ...sceneFlags('bad-5', ['--preferred', 'sora'])], env),
      runCli(['project', badProject], env),
      runCli(['project', unknownProviderProject], env),
      runCli(['project', notJson, '--json'], env),
      runCli(['project', join(dir, 'missing.json')], env),
    ]);
    const [tooLong, notNumber, badAspect, noPrompt, unknownProvider, project, providerProject, invalidJson, missing] =
      runs;
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(2);
    }
    expect(jsonOf(tooLong).error).toMatchObject({
      code: 'invalid_input',
      exitCode: 2,
      message: 'invalid scene: --duration: must be at most 60 seconds',
    });
    expect(tooLong.stderr).toMatch(/--duration: must be at most 60 seconds/);
    expect(notNumber.stderr).toMatch(/--duration must be a number of seconds, got "five"/);
    expect(badAspect.stderr).toMatch(/--aspect: .*"16:9"/);
    expect(noPrompt.stderr).toMatch(/--prompt is required/);
    expect(unknownProvider.stderr).toMatch(/invalid scene: --preferred: unknown provider "sora"/);
    expect(providerProject.stderr).toMatch(
      /unknown-provider-project\.json: invalid project: scenes\[1\]\.allowedProviders\[1\]: unknown provider "sora"/,
    );
    expect(project.stderr).toMatch(
      /bad-project\.json: invalid project: scenes\[1\]\.durationSec: must be at most 60 seconds/,
    );
    expect(project.stderr).toMatch(/scene-video schema/);
    expect(jsonOf(invalidJson).error.message).toMatch(/not-json\.json is not valid JSON/);
    expect(missing.stderr).toMatch(/cannot read project file .*missing\.json: ENOENT/);

    for (const id of ['bad-1', 'bad-2', 'bad-3', 'bad-4', 'bad-5'])
      await expectNoWorkflow(`scene-video:${projectId}:${id}`);
    await expectNoWorkflow(`project-video-${projectId}-bad`);
  });

  it('status of a closed workflow no worker can replay falls back to what the run recorded', async () => {
    const workflowId = `scene-video:${projectId}:orphan`;
    // A task queue nobody polls: the workflow never runs, and its progress query can never be answered.
    const handle = await h.client.workflow.start(generateSceneVideo, {
      taskQueue: `${h.taskQueue}-nobody`,
      workflowId,
      args: [h.scene({ sceneId: 'orphan', projectId })],
    });
    await handle.terminate('test: nobody will run this');
    const run = await runCli(['status', workflowId, '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOf(run)).toMatchObject({ kind: 'scene', status: 'TERMINATED', progressSource: 'none' });
    expect(jsonOf(run).note).toMatch(/nobody will run this/);
  });

  it('an unknown workflow exits 3 for status, cancel, history export and report', async () => {
    const runs = await Promise.all([
      runCli(['status', 'scene-video:nope:nope', '--json'], env),
      runCli(['cancel', 'scene-video:nope:nope', '--json'], env),
      runCli(['history', 'export', 'project-video-nope', join(dir, 'nope.json'), '--json'], env),
      runCli(['report', 'nope', '--out', join(dir, 'nope.html'), '--json'], env),
    ]);
    const workflowIdGiven = await runCli(['report', 'project-video-nope', '--out', join(dir, 'nope.html')], env);
    expect(workflowIdGiven.code, workflowIdGiven.stderr).toBe(3);
    expect(workflowIdGiven.stderr).toMatch(/report takes the project id, not its workflow id: scene-video report nope/);
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(3);
      expect(jsonOf(run).error).toMatchObject({ code: 'not_found', exitCode: 3 });
      expect(run.stderr).toMatch(/No workflow "(scene-video:nope:nope|project-video-nope)" in this namespace/);
    }
  });
});
