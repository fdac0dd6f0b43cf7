import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSceneVideo } from '../../src/workflows';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

let h: SceneHarness;
beforeAll(async () => {
  // PiAPI's generated schemas and its own HTTP client treat envelope code 0 as success; the examples say 200.
  h = await startSceneHarness({ scenario: { default: { queueMs: 100, renderMs: 500 }, piapiSuccessCode: 0 } });
});
afterAll(async () => {
  await h?.close();
});

describe('PiAPI answering success envelopes with code 0', () => {
  it('a scene on a PiAPI provider succeeds and is stored', async () => {
    const probe = await fetch(`${h.sandbox.piapiBaseUrl}/account/info`, {
      headers: { 'x-api-key': h.sandbox.apiKeys.piapi },
    });
    expect(((await probe.json()) as { code: number }).code).toBe(0);

    const input = h.scene({ sceneType: 'testimonial', prompt: 'A customer smiles', allowedProviders: ['kling'] });
    const result = await h.client.workflow.execute(generateSceneVideo, {
      taskQueue: h.taskQueue,
      workflowId: `code0-${input.sceneId}`,
      args: [input],
    });
    expect(result).toMatchObject({ provider: 'kling', stored: true });
    expect(result.attempts).toHaveLength(1);
    expect(h.sandbox.stats().tasks.map((t) => t.status)).toEqual(['completed']);
  });
});
