import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SceneInput } from '../../src/contract/scene-input';
import type { SceneProgress } from '../../src/contract/scene-workflow';
import { generateSceneVideo } from '../../src/workflows';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

/**
 * A scene's `moderation` policy on the real stack: Runway's moderation refuses a hook scene's first attempt (Runway
 * ranks first for hooks, Kling next), at its input (`SAFETY.INPUT.TEXT`) or its output (`SAFETY.OUTPUT.VIDEO`).
 */

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness();
});
afterAll(async () => {
  await h?.close();
});

function runwayModerates(stage: 'input' | 'output') {
  h.sandbox.setScenario({
    default: { queueMs: 100, renderMs: 300 },
    models: { [sandboxKey('runway')]: { faults: [{ kind: 'content_policy', stage }] } },
  });
}

function hookScene(overrides: Partial<SceneInput> = {}): SceneInput {
  const scene = h.scene({ sceneType: 'hook', ...overrides });
  // The prompt names the scene, so the sandbox's tasks for it can be told from other tests'.
  return { ...scene, prompt: `Opening shot over the city, ${scene.sceneId}` };
}

async function run(scene: SceneInput) {
  return h.client.workflow.execute(generateSceneVideo, {
    taskQueue: h.taskQueue,
    workflowId: `moderation-${scene.sceneId}`,
    args: [scene],
  });
}

/** The providers the sandbox was sent a task for, for this scene. */
const tasksFor = (scene: SceneInput) =>
  h.sandbox
    .stats()
    .tasks.filter((t) => t.prompt === scene.prompt)
    .map((t) => `${t.api}:${t.model}`);

describe('moderation policy', () => {
  it('fail-scene for the input: the refused prompt ends the scene after one attempt, no other provider is sent it', async () => {
    runwayModerates('input');
    const scene = hookScene({ moderation: { input: 'fail-scene' } });
    const err = await run(scene).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('ContentRefused');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toMatch(
      new RegExp(
        `^scene ${scene.sceneId}: runway's input moderation refused the prompt \\(ContentPolicy: .*\\), and ` +
          'moderation.input is "fail-scene", so no other provider was tried. Rephrase the prompt, or set ' +
          'moderation.input to "next-provider" so the next provider tries it.$',
      ),
    );
    const progress = cause.details?.[0] as SceneProgress;
    expect(progress.phase).toBe('failed');
    expect(progress.attempts).toEqual([
      expect.objectContaining({ provider: 'runway', state: 'failed', reason: 'content_policy_input' }),
    ]);
    // Runway bills a moderated generation; nothing else was spent.
    expect(progress.totalCostUsd).toBe(progress.attempts[0]!.costUsd);
    expect(tasksFor(scene)).toEqual([sandboxKey('runway')]);
  });

  it('by default the refused prompt falls through to the next provider, each attempt saying why it ended', async () => {
    runwayModerates('input');
    const scene = hookScene();
    const result = await run(scene);
    expect(result.provider).toBe('kling');
    expect(result.attempts).toMatchObject([
      { provider: 'runway', state: 'failed', reason: 'content_policy_input' },
      { provider: 'kling', state: 'succeeded', reason: 'succeeded' },
    ]);
    expect(tasksFor(scene)).toEqual([sandboxKey('runway'), sandboxKey('kling')]);
  });

  it('fail-scene for the input leaves an output moderation falling through', async () => {
    runwayModerates('output');
    const scene = hookScene({ moderation: { input: 'fail-scene' } });
    const result = await run(scene);
    expect(result.provider).toBe('kling');
    expect(result.attempts).toMatchObject([
      { provider: 'runway', state: 'failed', reason: 'content_policy_output' },
      { provider: 'kling', state: 'succeeded' },
    ]);
    expect(result.attempts[0]!.error).toMatch(/SAFETY\.OUTPUT\.VIDEO/);
  });

  it('fail-scene for the output: the refused clip ends the scene, saying which moderation refused it', async () => {
    runwayModerates('output');
    const scene = hookScene({ moderation: { output: 'fail-scene' } });
    const err = await run(scene).catch((e: unknown) => e);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('ContentRefused');
    expect(cause.message).toContain("runway's output moderation refused the generated clip");
    expect(cause.message).toContain('set moderation.output to "next-provider" so the next provider renders it.');
    expect(tasksFor(scene)).toEqual([sandboxKey('runway')]);
  });
});
