import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSceneVideo } from '../../src/client';
import { generateProjectVideos, generateSceneVideo } from '../../src/workflows';
import { searchAttributes } from '../../src/contract/search-attributes';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

const { EventType } = temporal.api.enums.v1;

let h: SceneHarness;
beforeAll(async () => {
  // Runway only: its key is the one this worker lacks in the project case below.
  h = await startSceneHarness({ routes: ['piapi'], scenario: { default: { queueMs: 50, renderMs: 300 } } });
});
afterAll(async () => {
  await h?.close();
});

async function listed(workflowId: string) {
  const handle = h.client.workflow.getHandle(workflowId);
  const { typedSearchAttributes: attrs } = await handle.describe();
  const events = (await handle.fetchHistory()).events ?? [];
  return {
    attributes: {
      sceneId: attrs.get(searchAttributes.sceneId),
      sceneType: attrs.get(searchAttributes.sceneType),
      projectId: attrs.get(searchAttributes.projectId),
      provider: attrs.get(searchAttributes.videoProvider),
      status: attrs.get(searchAttributes.videoStatus),
      costUsd: attrs.get(searchAttributes.costUsd),
    },
    // The workflow's own: the SDK also upserts TemporalChangeVersion, once per patch a run takes.
    upserts: events.filter(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES &&
        Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}).some(
          (name) => name !== 'TemporalChangeVersion',
        ),
    ).length,
  };
}

describe('search attributes the Web UI lists scenes by', () => {
  it('come with the start from the client, and the workflow adds only what changes: 3 upserts for a success', async () => {
    const scene = h.scene();
    const { workflowId, handle } = await startSceneVideo(h.client, scene, { taskQueue: h.taskQueue });
    const result = await handle.result();
    const seen = await listed(workflowId);
    expect(seen.attributes).toEqual({
      sceneId: scene.sceneId,
      sceneType: 'broll',
      projectId: 'test-project',
      provider: result.provider,
      status: 'succeeded',
      costUsd: result.totalCostUsd,
    });
    expect(seen.upserts).toBe(3);
  });

  it('are complete for a scene started without them, still in 3 upserts', async () => {
    const scene = h.scene({ projectId: undefined });
    const handle = await h.client.workflow.start(generateSceneVideo, {
      taskQueue: h.taskQueue,
      workflowId: `direct-${scene.sceneId}`,
      args: [scene],
    });
    const result = await handle.result();
    const seen = await listed(handle.workflowId);
    expect(seen.attributes).toEqual({
      sceneId: scene.sceneId,
      sceneType: 'broll',
      projectId: undefined,
      provider: result.provider,
      status: 'succeeded',
      costUsd: result.totalCostUsd,
    });
    expect(seen.upserts).toBe(3);
  });

  it('are set on a project scene by the project that starts it', async () => {
    const projectId = `attrs-${Date.now().toString(36)}`;
    const scene = { ...h.scene(), projectId: undefined, sceneId: 'only' };
    const handle = await h.client.workflow.start(generateProjectVideos, {
      taskQueue: h.taskQueue,
      workflowId: `project-${projectId}`,
      args: [{ projectId, scenes: [scene] }],
    });
    const { scenes } = await handle.result();
    const seen = await listed(scenes[0]!.workflowId);
    expect(seen.attributes).toMatchObject({ sceneId: 'only', projectId, status: 'succeeded' });
    expect(seen.upserts).toBe(3);
  });

  it('a project fails fast, before any scene starts, on a scene it cannot plan', async () => {
    const projectId = `plan-${Date.now().toString(36)}`;
    const good = { ...h.scene(), projectId: undefined, sceneId: 'good', prompt: `Project ${projectId} scene` };
    const handle = await h.client.workflow.start(generateProjectVideos, {
      taskQueue: h.taskQueue,
      workflowId: `project-${projectId}`,
      args: [{ projectId, scenes: [good, { ...good, sceneId: 'needs-runway', preferredProvider: 'runway' }] }],
    });
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e as Error & { cause?: { type?: string; message: string } },
    );
    expect(err?.cause?.type).toBe('ProviderNotConfigured');
    expect(err?.cause?.message).toMatch(
      /1 scene\(s\): scenes\[1\] \(needs-runway\): preferredProvider "runway" is not configured on the worker/,
    );
    const children = await h.client.workflow.count(
      `ProjectId = "${projectId}" AND WorkflowType = "generateSceneVideo"`,
    );
    expect(children.count).toBe(0);
    expect(h.sandbox.stats().tasks.filter((t) => t.prompt === good.prompt)).toEqual([]);
  });
});
