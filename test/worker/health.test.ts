import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { workerEnv } from '../../dev/harness/worker-env';
import { spawnWorkerProcess, type WorkerProcess } from '../../dev/harness/worker-process';
import { freePort } from '../../dev/stack/free-port';
import { startSceneVideo } from '../../src/client';
import { getJson, runCliModule } from '../helpers/cli-probes';
import { stackInfo } from '../helpers/stack-info';
import { connectClient, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';

const root = join(__dirname, '..', '..');
const cliSource = join(root, 'src', 'cli', 'main.ts');

let sandbox: Sandbox;
beforeAll(async () => {
  // A render longer than the test: the scene's poll activity is still running when SIGTERM arrives, so the drain
  // lasts the worker's shutdown grace time and /readyz can be seen refusing while it does.
  // A slow download keeps an upload running, which the drain waits for: the state the probes are read in.
  sandbox = await startSandbox({
    scenario: {
      videoBytes: 2 * 1024 * 1024,
      default: { queueMs: 100, renderMs: 500, faults: [{ kind: 'download_slow', bytesPerSec: 64 * 1024 }] },
    },
  });
});
afterAll(async () => {
  await sandbox?.close();
});

describe('worker health endpoint', () => {
  it('is live and ready while the worker polls, not ready once SIGTERM starts the drain, gone after exit', async () => {
    const port = await freePort();
    const taskQueue = uniqueTaskQueue('health');
    const env = { ...workerEnv(stackInfo(), sandbox, { taskQueue }), WORKER_HEALTH_PORT: String(port) };
    const healthEnv = { PATH: process.env.PATH, WORKER_HEALTH_PORT: String(port) };
    const health = () =>
      runCliModule(cliSource, ['health'], { cwd: root, env: healthEnv, nodeArgs: ['--require', 'tsx/cjs'] });
    const base = `http://127.0.0.1:${port}`;
    const { client, connection } = await connectClient();
    let worker: WorkerProcess | undefined;
    let workflowId: string | undefined;
    try {
      worker = spawnWorkerProcess({ env, readyTimeoutMs: 60_000 });
      await worker.ready;
      expect(worker.output()).toContain(`scene-video worker health checks on ${base} (/healthz, /readyz)`);

      expect(await getJson(`${base}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
      // The ready line is printed just before run(); RUNNING follows within moments.
      const ready = await waitFor(async () => {
        const answer = await getJson(`${base}/readyz`);
        return answer.status === 200 ? answer : undefined;
      }, 10_000);
      expect(ready.body).toMatchObject({ status: 'ready', state: 'RUNNING', temporal: 'ok', s3: 'ok' });
      expect(await getJson(`${base}/metrics`)).toMatchObject({ status: 404 });
      for (const path of ['/healthz', '/readyz', '/nope']) {
        const text = JSON.stringify(await getJson(`${base}${path}`));
        for (const secret of [sandbox.apiKeys.piapi, sandbox.apiKeys.runway, stackInfo().s3.secretAccessKey]) {
          expect(text).not.toContain(secret);
        }
      }

      const probe = await health();
      expect(probe.code, probe.stderr).toBe(0);
      expect(probe.stdout).toContain(`ready: ${base}/readyz answered 200 (worker RUNNING)`);
      // node:http and the CLI's own modules only: no Temporal SDK, no AWS SDK (tsx runs the source here).
      expect(probe.packages.filter((p) => p.startsWith('@temporalio/') || p.startsWith('@aws-sdk/'))).toEqual([]);

      const started = await startSceneVideo(
        client,
        {
          sceneId: `health-${taskQueue.slice(-8)}`,
          sceneType: 'broll',
          prompt: 'A slow sunrise over the hills',
          durationSec: 5,
          aspectRatio: '16:9',
          polling: { intervalMs: 200, providerDeadlineMs: 600_000 },
        },
        { taskQueue },
      );
      workflowId = started.workflowId;
      await waitFor(async () => {
        const { raw } = await started.handle.describe();
        return raw.pendingActivities?.some((a) => a.activityType?.name === 'uploadToS3') || undefined;
      }, 30_000);

      const w = worker;
      worker.signal('SIGTERM');
      const draining = await waitFor(
        async () => {
          const answer = await getJson(`${base}/readyz`).catch(() => undefined);
          return answer && answer.status !== 200 ? answer : undefined;
        },
        10_000,
        20,
      );
      expect(draining.status).toBe(503);
      expect(draining.body).toMatchObject({
        status: 'not_ready',
        state: expect.stringMatching(/^(STOPPING|DRAINING|DRAINED)$/),
      });
      expect((await getJson(`${base}/healthz`)).status).toBe(200);
      const refused = await health();
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/not ready: .* answered 503 \(worker (STOPPING|DRAINING|DRAINED)\)/);
      expect(w.alive).toBe(true);

      await w.exited;
      expect(w.exitCode, w.output()).toBe(0);
      await expect(getJson(`${base}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      const gone = await health();
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain('ECONNREFUSED');
    } finally {
      await worker?.stop(5_000);
      if (workflowId)
        await client.workflow
          .getHandle(workflowId)
          .terminate('test over')
          .catch(() => undefined);
      await connection.close();
    }
  });

  it('a taken port stops the worker at start, exit 1, naming the variables', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const env = {
        ...workerEnv(stackInfo(), sandbox, { taskQueue: uniqueTaskQueue('health-taken') }),
        WORKER_HEALTH_PORT: String(port),
      };
      const worker = spawnWorkerProcess({ env });
      await worker.exited;
      expect(worker.exitCode).toBe(1);
      expect(worker.output()).toContain(
        `Cannot serve health checks on 127.0.0.1:${port} (WORKER_HEALTH_HOST, WORKER_HEALTH_PORT): EADDRINUSE, the port is taken.`,
      );
      expect(worker.output()).not.toContain('scene-video worker on ');
    } finally {
      taken.close();
    }
  });
});
