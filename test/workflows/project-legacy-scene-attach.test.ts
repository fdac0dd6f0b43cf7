/**
 * README: "A start of a scene first looks for its run under the new id, then under the old one: a running or succeeded
 * run of the same scene there is attached to, never paid for again". A project does the same (one findSceneRuns lookup
 * per run): a scene already running under its old-format id (started by the pipeline before the deploy) is attached
 * to, not generated and paid for a second time. (Found by an attack: the project used to start its child under the new
 * id only, creating a second provider task.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startProjectVideos, startSceneVideo, waitForProjectVideos } from '../../src/client';
import { generateSceneVideo } from '../../src/workflows';
import { sceneStartAttributes } from '../../src/contract/search-attributes';
import { legacySceneWorkflowId } from '../../src/contract/workflow-ids';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness({ scenario: { default: { queueMs: 50, renderMs: 3_000 } } });
});
afterAll(async () => {
  await h?.close();
});

it('a project does not pay again for a scene running under its old-format id', async () => {
  h.sandbox.reset();
  const projectId = `legacy-${randomUUID().slice(0, 8)}`;
  const scene = {
    sceneId: 's0',
    sceneType: 'broll',
    prompt: 'Calm office scene in the afternoon',
    durationSec: 5,
    aspectRatio: '16:9' as const,
  };
  const polling = { intervalMs: 200, providerDeadlineMs: 60_000 };
  // Started exactly as the client did before the change (no memo, old id).
  const legacyId = legacySceneWorkflowId(scene.sceneId, projectId);
  await h.client.workflow.start(generateSceneVideo, {
    taskQueue: h.taskQueue,
    workflowId: legacyId,
    args: [{ ...scene, projectId, polling }],
    typedSearchAttributes: sceneStartAttributes({ ...scene, projectId }),
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
  });
  await new Promise((r) => setTimeout(r, 500));
  // The client alone would attach to it:
  const solo = await startSceneVideo(h.client, { ...scene, projectId, polling }, { taskQueue: h.taskQueue });
  expect(solo).toMatchObject({ started: false, workflowId: legacyId });

  const { workflowId } = await startProjectVideos(
    h.client,
    { projectId, polling, scenes: [scene] },
    { taskQueue: h.taskQueue },
  );
  const result = await waitForProjectVideos(h.client, workflowId);
  await h.client.workflow.getHandle(legacyId).result();
  const tasks = h.sandbox.stats().tasks.length;
  console.log(`project scene ran as ${result.scenes[0]!.workflowId}; provider tasks created: ${tasks}`);
  expect(tasks).toBe(1);
  expect(result.scenes[0]).toMatchObject({ workflowId: legacyId, phase: 'succeeded' });
  expect(result.totalCostUsd).toBeGreaterThan(0);
}, 90_000);
