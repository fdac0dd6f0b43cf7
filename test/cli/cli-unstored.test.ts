import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sceneWorkflowId } from '../../src/contract/workflow-ids';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { generateFlags, jsonOf, runCli, stackEnv } from './run-cli';

/**
 * Storage that fails after the worker started (here: the bucket it writes to is gone) under the default
 * STORAGE_FAILURE_MODE=provider-url. The clips are generated and paid for, but not stored: the CLI must say so, with
 * its own exit code (4) and the expiring URL behind a warning, never as a success.
 */
let h: SceneHarness;
let env: NodeJS.ProcessEnv;
let dir: string;
const projectId = `unstored-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  h = await startSceneHarness({ failureMode: 'provider-url' });
  h.deps.storage.bucket = 'bucket-removed-after-worker-start';
  env = stackEnv(h.taskQueue);
  dir = mkdtempSync(join(tmpdir(), 'scene-video-unstored-'));
});
afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a clip generated but not stored', () => {
  it('generate --wait exits 4 with the provider URL behind a warning; status --watch says unstored and exits 4', async () => {
    const flags = generateFlags({ projectId, sceneId: 'solo', sceneType: 'hook', prompt: 'A rocket lifts off' });
    const run = await runCli(['generate', ...flags, '--wait'], env);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stdout).toMatch(/Stored\s+no \(provider URL only\)/);
    expect(run.stdout).toMatch(/STATE[\s\S]*unstored \(generated, not stored\)/);
    expect(run.stderr).toMatch(
      /warning: 1 clip\(s\) generated and paid for but NOT stored in S3: only the provider URL holds each, and it expires\. .* URL: http:\/\//,
    );

    const json = await runCli(['generate', ...flags, '--wait', '--json'], env);
    expect(json.code).toBe(4);
    expect(jsonOf(json)).toMatchObject({ status: 'COMPLETED', result: { stored: false } });

    const watched = await runCli(['status', sceneWorkflowId('solo', projectId), '--watch', '--json'], env);
    expect(watched.code).toBe(4);
    expect(jsonOf(watched)).toMatchObject({ status: 'COMPLETED', progress: { phase: 'unstored' } });
  });

  it('project --wait counts the scenes as not stored, not succeeded, shows their URLs and exits 4; cost counts them', async () => {
    const file = join(dir, 'project.json');
    writeFileSync(
      file,
      JSON.stringify({
        projectId,
        polling: { intervalMs: 200 },
        scenes: [
          { sceneId: 'p1', sceneType: 'hook', prompt: 'A rocket lifts off', durationSec: 5, aspectRatio: '16:9' },
          { sceneId: 'p2', sceneType: 'cta', prompt: 'Sign up today', durationSec: 5, aspectRatio: '16:9' },
        ],
      }),
    );
    const run = await runCli(['project', file, '--wait'], env);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stdout).toMatch(/Scenes\s+2: 0 succeeded, 2 generated but not stored/);
    expect(run.stdout).toMatch(
      /^p1\s+hook\s+unstored \(generated, not stored\).*not stored; provider URL \(expires\): http/m,
    );
    expect(run.stderr).toMatch(/warning: 2 clip\(s\) generated and paid for but NOT stored in S3/);

    const json = jsonOf(await runCli(['project', file, '--wait', '--json'], env));
    expect(json.result.counts).toMatchObject({ succeeded: 0, unstored: 2, failed: 0 });

    const cost = jsonOf(await runCli(['cost', '--since', '30m', '--project', projectId, '--json'], env));
    expect(cost.total.scenes).toBe(3);
    expect(cost.total.usd).toBeGreaterThan(0);
    const notStored = (cost.byProvider as { notStored: number; succeeded: number }[]).reduce(
      (n, g) => n + g.notStored,
      0,
    );
    expect(notStored).toBe(3);
  });
});
