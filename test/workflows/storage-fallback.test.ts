import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSceneVideo } from '../../src/workflows';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

let h: SceneHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harnessWithMissingBucket(failureMode: 'provider-url' | 'fail'): Promise<SceneHarness> {
  const harness = await startSceneHarness({ failureMode });
  harness.deps.storage.bucket = 'bucket-that-does-not-exist';
  return harness;
}

describe('when storage stays unavailable', () => {
  it('returns the provider URL with stored: false and a warning (the original design)', async () => {
    h = await harnessWithMissingBucket('provider-url');
    const input = h.scene({ sceneType: 'testimonial', prompt: 'A customer smiles' });
    const result = await h.client.workflow.execute(generateSceneVideo, {
      taskQueue: h.taskQueue,
      workflowId: `st-${input.sceneId}`,
      args: [input],
    });
    expect(result).toMatchObject({ provider: 'kling', stored: false });
    expect(result.s3Key).toBeUndefined();
    expect(result.providerVideoUrl).toMatch(new RegExp(`^${h.sandbox.origin}/`));
    expect(result.warning).toMatch(
      /S3 storage unavailable after retries .*bucket does not exist.*the provider URL is returned/,
    );
    expect(result.attempts).toHaveLength(1);
  });

  it('fails the scene instead when STORAGE_FAILURE_MODE=fail', async () => {
    h = await harnessWithMissingBucket('fail');
    const input = h.scene({ sceneType: 'testimonial', prompt: 'A customer smiles' });
    const err = await h.client.workflow
      .execute(generateSceneVideo, { taskQueue: h.taskQueue, workflowId: `st-${input.sceneId}`, args: [input] })
      .catch((e: unknown) => e);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('StorageUnavailable');
    expect(cause.nonRetryable).toBe(true);
  });
});
