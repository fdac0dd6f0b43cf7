import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProgress } from '../../src/contract/scene-workflow';
import { generateSceneVideo } from '../../src/workflows';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness({ scenario: { default: { queueMs: 50, renderMs: 300 } } });
});
afterAll(async () => {
  await h?.close();
});

describe("a prompt over a provider's limit, end to end on the dev server and the sandbox", () => {
  it.each([1_001, 2_000])(
    'a %d-character prompt skips Hunyuan (1,000 at most) with the reason, and the scene succeeds on Hailuo',
    async (length) => {
      // "nature" ranks Hunyuan and Hailuo up; Hunyuan alone is preferred, so it would go first if it could.
      const prompt = 'A quiet nature scene, a forest at dawn. '.repeat(60).slice(0, length);
      const input = h.scene({ prompt, preferredProvider: 'hunyuan', allowedProviders: ['hunyuan', 'hailuo'] });
      const handle = await h.client.workflow.start(generateSceneVideo, {
        taskQueue: h.taskQueue,
        workflowId: `prompt-limit-${input.sceneId}`,
        args: [input],
      });
      const result = await handle.result();
      expect(result).toMatchObject({ provider: 'hailuo', stored: true });
      expect(result.attempts.map((a) => a.provider)).toEqual(['hailuo']);

      const { ranking } = await handle.query(getProgress);
      expect(ranking.find((r) => r.provider === 'hunyuan')!.reasons.at(-1)).toBe(
        `skipped: the prompt has ${length} characters and Hunyuan Video accepts at most 1000`,
      );
      const sent = h.sandbox.stats().tasks.filter((t) => t.prompt === prompt);
      expect(sent.map((t) => `${t.api}:${t.model}`)).toEqual(['piapi:hailuo']);
    },
  );
});
