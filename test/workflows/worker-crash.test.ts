import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { generateSceneVideo } from '../../src/workflows';
import { getProgress } from '../../src/contract/scene-workflow';
import { sandboxKey } from '../helpers/scene-harness';
import { connectClient, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';
import { spawnTestWorker } from '../helpers/worker-process';

let sandbox: Sandbox;
let conn: Awaited<ReturnType<typeof connectClient>>;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: { default: { queueMs: 200, renderMs: 10_000 } } });
  conn = await connectClient();
});
afterAll(async () => {
  await conn?.connection.close();
  await sandbox?.close();
});

describe('a worker killed while the task renders (its looks through checkTask)', () => {
  it('is replaced and the workflow finishes on the same remote task, paying once', async () => {
    const taskQueue = uniqueTaskQueue('crash');
    const first = spawnTestWorker({ taskQueue, sandbox });
    const second: ReturnType<typeof spawnTestWorker>[] = [];
    try {
      const sceneId = `crash-${taskQueue}`;
      const handle = await conn.client.workflow.start(generateSceneVideo, {
        taskQueue,
        workflowId: sceneId,
        args: [
          {
            sceneId,
            sceneType: 'testimonial',
            prompt: 'A customer smiles',
            durationSec: 5,
            aspectRatio: '9:16',
            polling: { intervalMs: 500, providerDeadlineMs: 120_000 },
          },
        ],
      });
      const taskId = await waitFor(async () => {
        const p = await handle.query(getProgress);
        return p.attempts[0]?.state === 'running' ? p.attempts[0].taskId : undefined;
      }, 60_000);
      await first.kill();

      second.push(spawnTestWorker({ taskQueue, sandbox }));
      const result = await handle.result();
      expect(result.provider).toBe('kling');
      expect(result.attempts).toHaveLength(1);
      expect(result.attempts[0]!.taskId).toBe(taskId);
      expect(result.stored).toBe(true);
      const stats = sandbox.stats();
      expect(stats.tasksCreated[sandboxKey('kling')]).toBe(1);
      expect(stats.tasks.map((t) => t.taskId)).toEqual([taskId]);
    } finally {
      await first.kill();
      for (const w of second) {
        await w.stop();
      }
    }
  });
});
