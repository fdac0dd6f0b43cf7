import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSceneVideo } from '../../src/workflows';
import { getProgress, type SceneProgress } from '../../src/contract/scene-workflow';
import { searchAttributes } from '../../src/contract/search-attributes';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { waitFor } from '../helpers/wait-for';

/**
 * The rule: once the provider has delivered the clip it is paid for, so a cancel never throws it away. A cancel before
 * the upload stops the scene (remote task cancelled, nothing stored, the cost the provider may charge recorded); a
 * cancel during the upload lets it finish and the scene completes with its clip and cost; a cancel after it changes
 * nothing. In every timing the run's status, VideoStatus, CostUsd and the bucket agree.
 */
const videoBytes = 3 * 1024 * 1024;
let h: SceneHarness;
beforeAll(async () => {
  // 3 MiB at 512 KiB/s: the upload takes about 6 s, long enough to be cancelled in the middle.
  h = await startSceneHarness({
    scenario: {
      videoBytes,
      default: { queueMs: 100, renderMs: 2_000, faults: [{ kind: 'download_slow', bytesPerSec: 512 * 1024 }] },
    },
  });
});
afterAll(async () => {
  await h?.close();
});

async function start(): Promise<{ handle: WorkflowHandle<typeof generateSceneVideo>; sceneId: string }> {
  const input = h.scene({ sceneType: 'product', prompt: 'A watch turns on a plinth' });
  const handle = await h.client.workflow.start(generateSceneVideo, {
    taskQueue: h.taskQueue,
    workflowId: `cancel-upload-${input.sceneId}`,
    args: [input],
  });
  return { handle, sceneId: input.sceneId };
}

async function objectsFor(sceneId: string): Promise<string[]> {
  const listed = await h.s3.send(
    new ListObjectsV2Command({ Bucket: h.bucket, Prefix: `ai-videos/test-project/${sceneId}/` }),
  );
  return (listed.Contents ?? []).map((o) => o.Key!);
}

async function attributes(handle: WorkflowHandle) {
  const d = await handle.describe();
  return {
    status: d.status.name,
    videoStatus: d.typedSearchAttributes.get(searchAttributes.videoStatus),
    costUsd: d.typedSearchAttributes.get(searchAttributes.costUsd),
  };
}

/** Late uploads (the bug) land seconds after the run closed: give them time before looking at the bucket. */
const settle = () => new Promise((r) => setTimeout(r, 8_000));

describe('cancelling a scene around its upload', () => {
  it('before the upload (still rendering): cancelled, remote task cancelled, nothing stored, cost recorded', async () => {
    const { handle, sceneId } = await start();
    await waitFor(async () => (await handle.query(getProgress)).attempts[0]?.state === 'running', 20_000);
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    await settle();
    const a = await attributes(handle);
    expect(a).toMatchObject({ status: 'CANCELLED', videoStatus: 'cancelled' });
    // Kling bills on success only: an abandoned render that was already running is counted at its estimate.
    const progress = await handle.query(getProgress);
    expect(a.costUsd).toBe(progress.totalCostUsd);
    expect(await objectsFor(sceneId)).toEqual([]);
  }, 60_000);

  it('during the upload: the upload finishes, the scene completes with its clip, and the cost is recorded', async () => {
    const { handle, sceneId } = await start();
    let during: SceneProgress | undefined;
    await waitFor(async () => {
      const p = await handle.query(getProgress);
      const taskId = p.attempts[0]?.taskId;
      const streamed = taskId ? (h.sandbox.stats().downloads[taskId]?.bytes ?? 0) : 0;
      during = p;
      return p.phase === 'uploading' && streamed > 256 * 1024 && streamed < videoBytes / 2;
    }, 30_000);
    expect(during?.phase).toBe('uploading');
    await handle.cancel();
    const outcome = await handle.result().catch((e: unknown) => e);
    await settle();
    const a = await attributes(handle);
    const objects = await objectsFor(sceneId);
    // What the run says, what the search attributes say and what the bucket holds are one story.
    expect({ ...a, objects: objects.length }).toMatchObject({
      status: 'COMPLETED',
      videoStatus: 'succeeded',
      objects: 1,
    });
    const result = outcome as Awaited<ReturnType<typeof generateSceneVideo>>;
    expect(result.stored).toBe(true);
    expect(result.cancelNote).toMatch(/cancel requested after the provider delivered/);
    expect(a.costUsd).toBe(result.totalCostUsd);
    expect(result.totalCostUsd).toBeGreaterThan(0);
    const head = await h.s3.send(new HeadObjectCommand({ Bucket: h.bucket, Key: result.s3Key! }));
    expect(head.ContentLength).toBe(videoBytes);
  }, 90_000);

  it('after the upload: the run is closed and the cancel changes nothing', async () => {
    const { handle, sceneId } = await start();
    const result = await handle.result();
    // The server may accept the request for a closed run; either way it must change nothing.
    await handle.cancel().catch(() => undefined);
    await settle();
    const a = await attributes(handle);
    expect(a).toMatchObject({ status: 'COMPLETED', videoStatus: 'succeeded', costUsd: result.totalCostUsd });
    expect(await objectsFor(sceneId)).toEqual([result.s3Key]);
  }, 60_000);
});
