import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSceneVideo } from '../../src/workflows';
import { getProgress } from '../../src/contract/scene-workflow';
import { searchAttributes } from '../../src/contract/search-attributes';
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
  it('ends "generated but not stored": the provider URL with stored: false and a warning, VideoStatus unstored, cost recorded', async () => {
    h = await harnessWithMissingBucket('provider-url');
    const input = h.scene({ sceneType: 'testimonial', prompt: 'A customer smiles' });
    const handle = await h.client.workflow.start(generateSceneVideo, {
      taskQueue: h.taskQueue,
      workflowId: `st-${input.sceneId}`,
      args: [input],
    });
    const result = await handle.result();
    expect(result).toMatchObject({ provider: 'kling', stored: false });
    expect(result.s3Key).toBeUndefined();
    expect(result.providerVideoUrl).toMatch(new RegExp(`^${h.sandbox.origin}/`));
    expect(result.warning).toMatch(
      /generated but not stored: S3 storage unavailable after retries .*bucket does not exist.*only the provider URL holds the clip, and it expires/,
    );
    expect(result.attempts).toHaveLength(1);
    expect(result.attempts[0]!.state).toBe('unstored');
    expect(result.totalCostUsd).toBeGreaterThan(0);
    // Its own phase and search-attribute value: a pipeline or a Web UI filter tells it from a stored clip.
    expect((await handle.query(getProgress)).phase).toBe('unstored');
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(searchAttributes.videoStatus)).toBe('unstored');
    expect(described.typedSearchAttributes.get(searchAttributes.costUsd)).toBe(result.totalCostUsd);
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
