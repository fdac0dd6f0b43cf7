import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSceneVideo } from '../../src/workflows';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness();
});
afterAll(async () => {
  await h?.close();
});

async function eventsFor(renderMs: number): Promise<number> {
  h.sandbox.setScenario({ default: { queueMs: 100, renderMs } });
  const input = h.scene({
    // Runway reports progress while rendering, so this also covers the progress signal.
    sceneType: 'hook',
    prompt: 'Opening shot over the city',
    polling: { intervalMs: 200, providerDeadlineMs: 120_000 },
  });
  await h.client.workflow.execute(generateSceneVideo, {
    taskQueue: h.taskQueue,
    workflowId: `hb-${input.sceneId}`,
    args: [input],
  });
  const history = await h.client.workflow.getHandle(`hb-${input.sceneId}`).fetchHistory();
  return history.events!.length;
}

describe('history size', () => {
  it('stays within 40 events for one provider attempt, the same however long the render', async () => {
    const short = await eventsFor(3_000);
    const long = await eventsFor(15_000); // 75 polls at 200 ms
    expect(long).toBeLessThanOrEqual(40);
    expect(long).toBe(short);
  });
});
