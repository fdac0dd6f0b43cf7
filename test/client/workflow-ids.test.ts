import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SceneIdentityMismatchError, startSceneVideo, waitForSceneVideo } from '../../src/client';
import { generateSceneVideo } from '../../src/workflows';
import type { SceneInput } from '../../src/contract/scene-input';
import { sceneStartAttributes } from '../../src/contract/search-attributes';
import { legacySceneWorkflowId, sceneWorkflowId } from '../../src/contract/workflow-ids';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness({ scenario: { default: { queueMs: 200, renderMs: 2_500 } } });
});
afterAll(async () => {
  await h?.close();
});

let n = 0;
/** A fresh project id per test, so ids never meet those of another test or run. */
const project = () => `ids${Date.now().toString(36)}${n++}`;
const tasksWith = (prompt: string) => h.sandbox.stats().tasks.filter((t) => t.prompt === prompt);
const carShot = (projectId: string, sceneId: string): SceneInput =>
  h.scene({ projectId, sceneId, sceneType: 'hook', prompt: `Car on a coast road ${projectId}/${sceneId}` });
const testimonial = (projectId: string, sceneId: string): SceneInput =>
  h.scene({
    projectId,
    sceneId,
    sceneType: 'testimonial',
    prompt: `A customer talks to the camera ${projectId}/${sceneId}`,
    durationSec: 10,
    aspectRatio: '9:16',
  });

/** Starts a scene exactly as the client did before ids became unambiguous. */
async function startLegacy(scene: SceneInput): Promise<string> {
  const workflowId = legacySceneWorkflowId(scene.sceneId, scene.projectId);
  await h.client.workflow.start(generateSceneVideo, {
    taskQueue: h.taskQueue,
    workflowId,
    args: [scene],
    typedSearchAttributes: sceneStartAttributes({ ...scene, projectId: scene.projectId }),
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
  });
  return workflowId;
}

describe('workflow ids: one scene, one workflow', () => {
  it('gives the colliding pair (acme + summer-hook, acme-summer + hook) two workflows, two tasks and two clips', async () => {
    const p = project();
    const car = carShot(p, 'summer-hook');
    const talk = testimonial(`${p}-summer`, 'hook');
    const first = await startSceneVideo(h.client, car, { taskQueue: h.taskQueue });
    const second = await startSceneVideo(h.client, talk, { taskQueue: h.taskQueue });
    expect(first).toMatchObject({ started: true, workflowId: `scene-video:${p}:summer-hook` });
    expect(second).toMatchObject({ started: true, workflowId: `scene-video:${p}-summer:hook` });
    expect((await first.handle.describe()).memo?.scene).toEqual({
      projectId: p,
      sceneId: 'summer-hook',
      inputHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });

    const [a, b] = await Promise.all([first, second].map((s) => waitForSceneVideo(h.client, s.workflowId)));
    expect([tasksWith(car.prompt).length, tasksWith(talk.prompt).length]).toEqual([1, 1]);
    expect(a).toMatchObject({ projectId: p, sceneId: 'summer-hook', durationSec: 5, stored: true });
    expect(b).toMatchObject({ projectId: `${p}-summer`, sceneId: 'hook', durationSec: 10, stored: true });
    expect(a!.s3Key).not.toEqual(b!.s3Key);
    const [clipA, clipB] = await Promise.all([h.inspectObject(a!.s3Key!), h.inspectObject(b!.s3Key!)]);
    const video = (info: typeof clipA) => info.tracks.find((t) => t.handler === 'vide')!;
    expect(video(clipA).width).toBeGreaterThan(video(clipA).height); // 16:9
    expect(video(clipB).width).toBeLessThan(video(clipB).height); // 9:16
  });

  it('attaches a re-run of the same scene with the same content, whatever the key order, defaults or budget', async () => {
    const scene = carShot(project(), 'hook');
    const first = await startSceneVideo(h.client, scene, { taskQueue: h.taskQueue });
    const reordered = Object.fromEntries(Object.entries(scene).reverse()) as SceneInput;
    const explicit = {
      ...reordered,
      negativePrompt: 'blurry, low quality, distorted, ugly, watermark, text',
      maxCostUsd: 9,
    };
    const again = await startSceneVideo(h.client, explicit, { taskQueue: h.taskQueue });
    expect(again).toMatchObject({ started: false, workflowId: first.workflowId });
    await waitForSceneVideo(h.client, first.workflowId);
    expect(tasksWith(scene.prompt)).toHaveLength(1);
  });

  it('refuses to attach another scene under a forged id, and the same scene id with changed content; starts nothing', async () => {
    const p = project();
    const car = carShot(p, 'summer-hook');
    const { workflowId } = await startSceneVideo(h.client, car, { taskQueue: h.taskQueue });
    const talk = testimonial(`${p}-summer`, 'hook');

    const forged = await startSceneVideo(h.client, talk, { taskQueue: h.taskQueue, workflowId }).catch(
      (e: unknown) => e,
    );
    expect(forged).toBeInstanceOf(SceneIdentityMismatchError);
    expect((forged as Error).message).toMatch(
      new RegExp(
        `refusing to attach to workflow ${workflowId}: it runs scene "summer-hook" of project "${p}" .*, not the ` +
          `requested scene "hook" of project "${p}-summer" .*Start this scene without a workflowId`,
      ),
    );
    const changed = await startSceneVideo(h.client, { ...car, durationSec: 10 }, { taskQueue: h.taskQueue }).catch(
      (e: unknown) => e,
    );
    expect(changed).toBeInstanceOf(SceneIdentityMismatchError);
    expect((changed as Error).message).toMatch(
      /content .* changed .* give the scene a new sceneId \(e\.g\. "summer-hook-v2"\)/,
    );

    await waitForSceneVideo(h.client, workflowId);
    expect(tasksWith(talk.prompt)).toHaveLength(0);
    expect(tasksWith(car.prompt)).toHaveLength(1);
    const own = await h.client.workflow
      .getHandle(sceneWorkflowId('hook', `${p}-summer`))
      .describe()
      .catch((e: unknown) => e);
    expect(own).toBeInstanceOf(WorkflowNotFoundError);
  });

  it('attaches to a run of the same scene still in flight under its old-format id, and not to the other scene of a pair', async () => {
    const p = project();
    const car = carShot(p, 'summer-hook');
    const legacyId = await startLegacy(car);
    const again = await startSceneVideo(h.client, car, { taskQueue: h.taskQueue });
    expect(again).toMatchObject({ started: false, workflowId: legacyId });

    // The old id `scene-video-{p}-summer-hook` is also what project `{p}-summer` scene `hook` mapped to.
    const talk = testimonial(`${p}-summer`, 'hook');
    expect(legacySceneWorkflowId(talk.sceneId, talk.projectId)).toBe(legacyId);
    const other = await startSceneVideo(h.client, talk, { taskQueue: h.taskQueue });
    expect(other).toMatchObject({ started: true, workflowId: sceneWorkflowId('hook', `${p}-summer`) });

    // A changed scene under its old id is refused as under the new one.
    const changed = await startSceneVideo(
      h.client,
      { ...car, prompt: `${car.prompt} at night` },
      { taskQueue: h.taskQueue },
    ).catch((e: unknown) => e);
    expect(changed).toBeInstanceOf(SceneIdentityMismatchError);

    const [a, b] = await Promise.all([
      waitForSceneVideo(h.client, legacyId),
      waitForSceneVideo(h.client, other.workflowId),
    ]);
    expect([a.sceneId, b.sceneId, b.durationSec]).toEqual(['summer-hook', 'hook', 10]);
    expect([tasksWith(car.prompt).length, tasksWith(talk.prompt).length]).toEqual([1, 1]);
  });

  it('tells exactly one of 10 simultaneous callers that it started the scene, and pays for one task', async () => {
    const scene = carShot(project(), 'rush');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => startSceneVideo(h.client, scene, { taskQueue: h.taskQueue })),
    );
    expect(answers.filter((a) => a.started)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.workflowId))).toEqual(new Set([sceneWorkflowId('rush', scene.projectId)]));
    await waitForSceneVideo(h.client, answers[0]!.workflowId);
    expect(tasksWith(scene.prompt)).toHaveLength(1);
  });
});
