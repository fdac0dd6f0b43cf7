/**
 * Attack on issue #12 defect 9 (payload limits). README: "a project over 1 MiB (a scene over 64 KiB) of encoded input
 * is refused by the client, the CLI and prepareProject ... before anything starts". The per-scene limit is checked
 * only for scenes started on their own: inside a project, a scene over 64 KiB (or one just under it, which the child's
 * added projectId / polling / maxCostUsd / default negativePrompt push over) passes the client and prepareProject, the
 * project starts and pays for its other scenes, and that scene's child then fails InvalidInput in prepareScene.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startProjectVideos, waitForProjectVideos } from '../../src/client';
import { validateProjectInput } from '../../src/client/input-validation';
import { sandboxBilledUsd } from '../helpers/sandbox-billing';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

const base = { sceneType: 'broll', prompt: 'Calm office scene', durationSec: 5, aspectRatio: '16:9' as const };
// 10,000 × "luma" is 70,000 bytes: over the 64 KiB scene limit, far under the 1 MiB project limit.
const bigScene = { ...base, sceneId: 's1', allowedProviders: Array<string>(10_000).fill('luma') };

describe('a project scene over the per-scene payload limit', () => {
  it('is refused by the client before anything starts, as a scene on its own is', () => {
    expect(() => validateProjectInput({ projectId: 'p', scenes: [{ ...base, sceneId: 's0' }, bigScene] })).toThrow(
      /scene input is .* over the limit of 65,536 bytes/,
    );
  });

  describe('on the real stack', () => {
    let h: SceneHarness;
    beforeAll(async () => {
      h = await startSceneHarness({ scenario: { default: { queueMs: 50, renderMs: 300 } } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('nothing is paid for a project that holds such a scene', async () => {
      h.sandbox.reset();
      const projectId = `atk-${randomUUID().slice(0, 8)}`;
      const project = {
        projectId,
        maxConcurrentScenes: 1,
        polling: { intervalMs: 200, providerDeadlineMs: 60_000 },
        scenes: [{ ...base, sceneId: 's0' }, bigScene],
      };
      let refused = false;
      try {
        const { workflowId } = await startProjectVideos(h.client, project, { taskQueue: h.taskQueue });
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
  });
});
