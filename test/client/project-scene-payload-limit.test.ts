/**
 * Regression (attack on issue #12 defect 9, payload limits). Inside a project, a scene over the 64 KiB scene limit (or
 * one just under it that the fields the project adds push over) used to pass the client and prepareProject: the
 * project started, paid for its other scenes, and that scene's child then failed InvalidInput in prepareScene. Each
 * child's input, as it will be sent, is now checked by the client and by prepareProject, which refuse the whole
 * project before anything starts, naming the scene, its size and the limit.
 */
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { InputTooLargeError, startProjectVideos, waitForProjectVideos } from '../../src/client';
import { validateProjectInput } from '../../src/client/input-validation';
import { encodedJsonBytes, inputTooLarge, payloadLimits } from '../../src/contract/payload-limits';
import { childSceneInputBound } from '../../src/domain/project-scene-size';
import { generateProjectVideos } from '../../src/workflows';
import { projectInputSchema } from '../../src/contract/project-input';
import { sceneWorkflowId } from '../../src/contract/workflow-ids';
import { sandboxBilledUsd } from '../helpers/sandbox-billing';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

const base = { sceneType: 'broll', prompt: 'Calm office scene', durationSec: 5, aspectRatio: '16:9' as const };
// 10,000 × "luma" is 70,000 bytes: over the 64 KiB scene limit, far under the 1 MiB project limit.
const bigScene = { ...base, sceneId: 's1', allowedProviders: Array<string>(10_000).fill('luma') };

/** A scene whose own JSON is `slack` bytes under the scene limit (a list of "luma" padded to size). */
function sceneUnderLimitBy(slack: number) {
  const scene = { ...base, sceneId: 's2', allowedProviders: Array<string>(9_000).fill('luma') };
  const missing = payloadLimits.sceneInputBytes - slack - encodedJsonBytes(scene);
  // Each further "luma" adds 7 bytes, a longer prompt the rest (the schema allows 2,000 characters).
  scene.allowedProviders.push(...Array<string>(Math.floor(missing / 7)).fill('luma'));
  return { ...scene, prompt: scene.prompt + 'x'.repeat(missing % 7) };
}

describe('a project scene over the per-scene payload limit', () => {
  it('is refused by the client before anything starts, as a scene on its own is', () => {
    expect(() => validateProjectInput({ projectId: 'p', scenes: [{ ...base, sceneId: 's0' }, bigScene] })).toThrow(
      /scene input is .* over the limit of 65,536 bytes/,
    );
  });

  it('the message names the scene, its size as its child would start, and the limit', () => {
    const project = { projectId: 'p', scenes: [{ ...base, sceneId: 's0' }, bigScene] };
    const err = (() => {
      try {
        validateProjectInput(project);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(InputTooLargeError);
    const child = childSceneInputBound(projectInputSchema.parse(project), projectInputSchema.parse(project).scenes[1]!);
    const bytes = encodedJsonBytes(child).toLocaleString('en-US');
    expect(err!.message).toContain(
      `scenes[1] (s1): scene input is ${bytes} bytes as JSON, over the limit of 65,536 bytes (64 KiB) per scene`,
    );
    expect(err!.message).not.toContain('scenes[0]');
  });

  it('a scene just under the limit on its own is refused when the fields the project adds push it over', () => {
    const scene = sceneUnderLimitBy(20);
    expect(encodedJsonBytes(scene)).toBe(payloadLimits.sceneInputBytes - 20);
    expect(inputTooLarge('scene', scene)).toBeUndefined();
    const project = { projectId: 'p', budgetUsd: 5, scenes: [scene] };
    expect(() => validateProjectInput(project)).toThrow(/scenes\[0\] \(s2\): scene input is 65,\d{3} bytes/);
    // Room for what the project adds (default negativePrompt, polling, projectId, maxCostUsd): it passes.
    expect(() => validateProjectInput({ ...project, scenes: [sceneUnderLimitBy(400)] })).not.toThrow();
  });

  describe('on the real stack', () => {
    let h: SceneHarness;
    beforeAll(async () => {
      h = await startSceneHarness({ scenario: { default: { queueMs: 50, renderMs: 300 } } });
    });
    afterAll(async () => {
      await h?.close();
    });

    const project = (projectId: string) => ({
      projectId,
      maxConcurrentScenes: 1,
      polling: { intervalMs: 200, providerDeadlineMs: 60_000 },
      scenes: [{ ...base, sceneId: 's0' }, bigScene],
    });

    it('nothing is paid for a project that holds such a scene', async () => {
      h.sandbox.reset();
      const projectId = `psl-${randomUUID().slice(0, 8)}`;
      let refused = false;
      try {
        const { workflowId } = await startProjectVideos(h.client, project(projectId), { taskQueue: h.taskQueue });
        const result = await waitForProjectVideos(h.client, workflowId);
        console.log(result.scenes.map((s) => `${s.sceneId}:${s.phase}:$${s.costUsd}:${s.error?.slice(0, 120) ?? ''}`));
      } catch (err) {
        refused = true;
        console.log(`refused: ${String(err).slice(0, 200)}`);
      }
      const billed = await sandboxBilledUsd(h.sandbox);
      console.log(`billed $${billed}, refused=${refused}`);
      expect(billed).toBe(0);
      expect(refused).toBe(true);
    }, 60_000);

    it('started by another client, past the checks, the project fails in prepareProject and starts no scene', async () => {
      h.sandbox.reset();
      const projectId = `psl-${randomUUID().slice(0, 8)}`;
      const handle = await h.client.workflow.start(generateProjectVideos, {
        taskQueue: h.taskQueue,
        workflowId: `project-raw-${projectId}`,
        args: [project(projectId)],
      });
      const err = await handle.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect(cause).toMatchObject({ type: 'InvalidProjectInput', nonRetryable: true });
      expect(cause!.message).toMatch(/scenes\[1\] \(s1\): scene input is 70,\d{3} bytes as JSON, over the limit/);
      for (const sceneId of ['s0', 's1'])
        await expect(h.client.workflow.getHandle(sceneWorkflowId(sceneId, projectId)).describe()).rejects.toThrow(
          WorkflowNotFoundError,
        );
      expect(await sandboxBilledUsd(h.sandbox)).toBe(0);
    }, 60_000);
  });
});
