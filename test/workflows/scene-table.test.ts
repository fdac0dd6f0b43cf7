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

describe('generateSceneVideo: the original scene table', () => {
  it.each([
    ['hook', 'runway', '16:9', 'A bold opening shot over the city at dawn'],
    ['testimonial', 'kling', '9:16', 'A customer shares her story'],
    ['cta', 'runway', '9:16', 'Logo and a call to action'],
    ['product', 'luma', '1:1', 'The gadget on a white table'],
    ['explanation', 'hailuo', '16:9', 'How the app syncs your notes'],
    ['broll', 'hailuo', '16:9', 'Office life in the afternoon'],
  ] as const)('%s goes to %s first and stores a valid %s MP4', async (sceneType, provider, aspectRatio, prompt) => {
    const input = h.scene({ sceneType, prompt, aspectRatio, durationSec: 5 });
    const result = await h.client.workflow.execute(generateSceneVideo, {
      taskQueue: h.taskQueue,
      workflowId: `table-${input.sceneId}`,
      args: [input],
    });
    expect(result.provider).toBe(provider);
    expect(result.stored).toBe(true);
    expect(result.attempts).toHaveLength(1);
    expect(result.s3Key).toMatch(new RegExp(`^ai-videos/test-project/${input.sceneId}/${provider}-.+\\.mp4$`));
    expect(result.totalCostUsd).toBeGreaterThan(0);
    expect(result.costByProvider[provider]).toBe(result.totalCostUsd);

    const mp4 = await h.inspectObject(result.s3Key!);
    expect(mp4.majorBrand).toBeTruthy();
    const video = mp4.tracks.find((t) => t.handler === 'vide')!;
    expect(video.sampleEntries).toContain('avc1');
    const [w, hgt] = aspectRatio.split(':').map(Number) as [number, number];
    expect(video.width / video.height).toBeCloseTo(w / hgt, 1);
    expect(mp4.durationSec).toBeGreaterThan(0);
    expect(result.bytes).toBe((await h.readObject(result.s3Key!)).length);
  });
});
