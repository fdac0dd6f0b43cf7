import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { stackInfo } from '../helpers/stack-info';
import { workerEnv } from '../../dev/harness/worker-env';
import { uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';
import { generateFlags, jsonOf, runCli, spawnCli, stackEnv } from './run-cli';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: { default: { queueMs: 100, renderMs: 600 } } });
});
afterAll(async () => {
  await sandbox?.close();
});

describe('scene-video worker', () => {
  it('runs a worker from the environment that generates a scene, and drains and exits 0 on Ctrl-C', async () => {
    const taskQueue = uniqueTaskQueue('cli-worker');
    const worker = spawnCli(['worker'], workerEnv(stackInfo(), sandbox, { taskQueue, providers: ['piapi'] }));
    try {
      await waitFor(async () => worker.stdoutText().includes('scene-video worker on'), 60_000);
      expect(worker.stdoutText()).toContain(
        `task queue ${taskQueue}; providers configured: kling, luma, hailuo, hunyuan, veo`,
      );
      expect(worker.stdoutText() + worker.stderrText()).not.toContain(sandbox.apiKeys.piapi);

      const sceneId = `w-${taskQueue.slice(-8)}`;
      const run = await runCli(
        ['generate', ...generateFlags({ sceneId, sceneType: 'broll', prompt: 'A calm forest' }), '--wait', '--json'],
        stackEnv(taskQueue),
      );
      expect(run.code, run.stderr).toBe(0);
      expect(jsonOf(run)).toMatchObject({
        workflowId: `scene-video:_:${sceneId}`,
        status: 'COMPLETED',
        result: { stored: true },
      });
    } finally {
      worker.kill('SIGINT');
    }
    const exit = await worker.done;
    expect(exit.code, exit.stderr).toBe(0);
  });

  it('a worker and the CLI connect through a TOML profile (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE) alone', async () => {
    const stack = stackInfo();
    const taskQueue = uniqueTaskQueue('cli-profile');
    const dir = mkdtempSync(join(tmpdir(), 'svw-profile-'));
    const profile = { TEMPORAL_CONFIG_FILE: join(dir, 'temporal.toml'), TEMPORAL_PROFILE: 'test-stack' };
    writeFileSync(
      profile.TEMPORAL_CONFIG_FILE,
      `[profile.test-stack]\naddress = "${stack.temporalAddress}"\nnamespace = "${stack.namespace}"\n`,
    );
    const {
      TEMPORAL_ADDRESS: _address,
      TEMPORAL_NAMESPACE: _namespace,
      ...env
    } = workerEnv(stack, sandbox, { taskQueue, providers: ['piapi'] });
    const worker = spawnCli(['worker'], { ...env, ...profile });
    try {
      await waitFor(async () => worker.stdoutText().includes('scene-video worker on'), 60_000);
      expect(worker.stdoutText()).toContain(
        `scene-video worker on ${stack.temporalAddress} namespace ${stack.namespace} (profile test-stack), ` +
          `task queue ${taskQueue};`,
      );

      const sceneId = `p-${taskQueue.slice(-8)}`;
      const run = await runCli(
        ['generate', ...generateFlags({ sceneId, sceneType: 'broll', prompt: 'A calm lake' }), '--wait', '--json'],
        { ...profile, TEMPORAL_TASK_QUEUE: taskQueue },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(jsonOf(run)).toMatchObject({ status: 'COMPLETED', result: { stored: true } });
    } finally {
      worker.kill('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    }
    const exit = await worker.done;
    expect(exit.code, exit.stderr).toBe(0);
  });

  it('an invalid worker environment exits 2 naming the variable', async () => {
    const run = await runCli(['worker'], { ...stackEnv('unused'), S3_ENDPOINT: 'not a url' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Invalid worker environment: S3_ENDPOINT/);
  });
});
