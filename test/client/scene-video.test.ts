import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, startSceneVideo, waitForSceneVideo } from '../../src/client';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness({ scenario: { default: { queueMs: 300, renderMs: 2_000 } } });
});
afterAll(async () => {
  await h?.close();
});

describe('client library: scenes', () => {
  it('starting the same scene twice attaches to one workflow and pays for one task', async () => {
    const scene = h.scene({ sceneType: 'testimonial', prompt: 'A customer smiles' });
    const first = await startSceneVideo(h.client, scene, { taskQueue: h.taskQueue });
    const second = await startSceneVideo(h.client, scene, { taskQueue: h.taskQueue });
    expect(first).toMatchObject({ started: true, workflowId: `scene-video:test-project:${scene.sceneId}` });
    expect(second).toMatchObject({ started: false, workflowId: first.workflowId });
    const result = await waitForSceneVideo(h.client, first.workflowId);

    const again = await startSceneVideo(h.client, scene, { taskQueue: h.taskQueue });
    expect(again.started).toBe(false);
    expect(await again.handle.result()).toEqual(result);
    const tasks = h.sandbox.stats().tasks.filter((t) => t.prompt === scene.prompt && t.model === 'kling');
    expect(tasks).toHaveLength(1);
    expect(h.sandbox.stats().tasksCreated[sandboxKey('kling')]).toBeGreaterThanOrEqual(1);
  });

  it.each([
    [{ durationSec: 0 }, /durationSec: must be greater than 0/],
    [{ prompt: '   ' }, /prompt: must not be empty or whitespace only/],
    [{ aspectRatio: '4:3' }, /aspectRatio: /],
    [{ sceneId: '../etc' }, /sceneId: use 1–64 letters/],
    [{ preferredProvider: 'sora' }, /unknown provider "sora"/],
  ])('rejects %j before starting anything', async (bad, message) => {
    const scene = { ...h.scene(), ...bad } as Parameters<typeof startSceneVideo>[1];
    const err = await startSceneVideo(h.client, scene, { taskQueue: h.taskQueue }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toMatch(message);
    const lookup = await h.client.workflow
      .getHandle(`scene-video:test-project:${String(scene.sceneId)}`)
      .describe()
      .catch((e: unknown) => e);
    expect(lookup).toBeInstanceOf(WorkflowNotFoundError);
  });
});
