import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { workerEnv } from '../../dev/harness/worker-env';
import { spawnWorkerProcess, type WorkerProcess } from '../../dev/harness/worker-process';
import { generateSceneVideo } from '../../src/workflows';
import { sandboxKey } from '../helpers/scene-harness';
import { stackInfo } from '../helpers/stack-info';
import { connectClient, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';

type Line = Record<string, unknown>;

let sandbox: Sandbox;
let conn: Awaited<ReturnType<typeof connectClient>>;
beforeAll(async () => {
  // hook scenes rank Runway first, then Kling: Runway's create fails, Kling delivers.
  sandbox = await startSandbox({
    scenario: {
      default: { queueMs: 100, renderMs: 500 },
      models: { [sandboxKey('runway')]: { faults: [{ kind: 'create_5xx', status: 500 }] } },
    },
  });
  conn = await connectClient();
});
afterAll(async () => {
  await conn?.connection.close();
  await sandbox?.close();
});

describe('LOG_FORMAT=json', () => {
  it('writes only JSON lines, finds each attempt of a fallen-back scene by its run, provider and number, and no secret', async () => {
    const taskQueue = uniqueTaskQueue('json-logs');
    const env = { ...workerEnv(stackInfo(), sandbox, { taskQueue }), LOG_FORMAT: 'json' };
    let worker: WorkerProcess | undefined;
    try {
      worker = spawnWorkerProcess({ env, readyTimeoutMs: 60_000 });
      await worker.ready;
      const sceneId = `logs-${taskQueue.slice(-8)}`;
      const handle = await conn.client.workflow.start(generateSceneVideo, {
        taskQueue,
        workflowId: `scene-${sceneId}`,
        args: [
          {
            sceneId,
            projectId: 'logs-project',
            sceneType: 'hook',
            prompt: 'Opening shot over the city',
            durationSec: 5,
            aspectRatio: '16:9',
            polling: { intervalMs: 200, providerDeadlineMs: 60_000 },
          },
        ],
      });
      const result = await handle.result();
      expect(result.attempts.map((a) => [a.provider, a.state])).toEqual([
        ['runway', 'failed'],
        ['kling', 'succeeded'],
      ]);
      // The SDK's logger holds lines up to 100 ms to order them with the core's; the drain flushes the rest.
      await waitFor(async () => worker!.output().includes('✓ Success with'), 10_000);
      await worker.stop();

      const text = worker.output();
      const lines = text.split('\n').filter((l) => l !== '');
      const records = lines.map((line) => {
        try {
          return JSON.parse(line) as Line;
        } catch {
          throw new Error(`not a JSON line: ${line}`);
        }
      });
      for (const r of records) {
        expect(r).toMatchObject({ level: expect.any(String), message: expect.any(String) });
        expect(new Date(r.time as string).toISOString()).toBe(r.time);
      }
      expect(records.some((r) => String(r.message).startsWith('scene-video worker on '))).toBe(true);

      const run = { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
      const ofScene = records.filter((r) => r.workflowId === run.workflowId);
      const attemptLines = ofScene.filter((r) => /^(Trying|✗|✓) /.test(String(r.message)));
      expect(attemptLines.map((r) => [r.attempt, r.provider, r.level, String(r.message).split(' ')[0]])).toEqual([
        [1, 'runway', 'INFO', 'Trying'],
        [1, 'runway', 'WARN', '✗'],
        [2, 'kling', 'INFO', 'Trying'],
        [2, 'kling', 'INFO', '✓'],
      ]);
      for (const r of attemptLines) {
        expect(r).toMatchObject({ ...run, workflowType: 'generateSceneVideo', sceneId, projectId: 'logs-project' });
      }
      // The SDK's own activity line: the activity's retry count apart from the scene's attempt, the provider added.
      const createFailed = ofScene.find((r) => r.message === 'Activity failed' && r.activityType === 'createTask');
      expect(createFailed).toMatchObject({ ...run, provider: 'runway', activityAttempt: 1 });
      expect(createFailed).not.toHaveProperty('attempt');
      expect(createFailed!.error).toMatchObject({ name: 'ApplicationFailure', type: 'ProviderRejected' });

      for (const secret of [sandbox.apiKeys.piapi, sandbox.apiKeys.runway, stackInfo().s3.secretAccessKey]) {
        expect(text).not.toContain(secret);
      }
    } finally {
      await worker?.kill();
    }
  });
});
