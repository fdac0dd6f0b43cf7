/**
 * A progress query that arrives while prepareScene (a local activity) runs — the CLI's `status --watch`, the demo's
 * live view, getSceneProgress right after start — can make the first workflow task complete with the local-activity
 * marker alone. A patch decided after the local activity then lands in the next task, and replaying that history (a
 * worker restart, a cache eviction) fails with a nondeterminism error: every patch is decided before it.
 */
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sceneWorkflowBundle } from '../../src/worker/create-worker';
import { generateSceneVideo } from '../../src/workflows';
import { getProgress } from '../../src/contract/scene-workflow';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness({ scenario: { default: { queueMs: 50, renderMs: 300 } } });
});
afterAll(async () => {
  await h?.close();
});

it('a budgeted scene queried from its first moment replays against the current code', async () => {
  const results: string[] = [];
  for (let i = 0; i < 5; i++) {
    const input = h.scene({ maxCostUsd: 5 });
    const workflowId = `queried-${input.sceneId}`;
    const handle = await h.client.workflow.start(generateSceneVideo, {
      taskQueue: h.taskQueue,
      workflowId,
      args: [input],
    });
    // Queries from the first moment, as a live view does.
    const queries = Array.from({ length: 5 }, () => handle.query(getProgress).catch(() => undefined));
    await Promise.all(queries);
    await handle.result();
    const history = await handle.fetchHistory();
    const err = await Worker.runReplayHistory(
      { workflowBundle: await sceneWorkflowBundle() },
      history,
      workflowId,
    ).catch((e: unknown) => e);
    const split = history
      .events!.slice(0, 12)
      .map((e) => String(e.eventType))
      .join(',');
    results.push(err ? `${workflowId}: ${String(err).slice(0, 300)} [${split}]` : 'ok');
  }
  console.log(results.join('\n'));
  expect(results.filter((r) => r !== 'ok')).toEqual([]);
}, 120_000);
