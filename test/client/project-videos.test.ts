import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProjectProgress, startProjectVideos, waitForProjectVideos } from '../../src/client';
import type { ProjectInput } from '../../src/contract/project-input';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { waitFor } from '../helpers/wait-for';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness({ scenario: { default: { queueMs: 100, renderMs: 1_500 } } });
});
afterAll(async () => {
  await h?.close();
});

const polling = { intervalMs: 200, providerDeadlineMs: 60_000 };
const uid = () => Math.random().toString(36).slice(2, 8);

describe('generateProjectVideos', () => {
  it('never runs more than maxConcurrentScenes at once, and lists every scene outcome', async () => {
    h.sandbox.reset();
    const projectId = `conc-${uid()}`;
    const project: ProjectInput = {
      projectId,
      maxConcurrentScenes: 2,
      polling,
      scenes: Array.from({ length: 6 }, (_, i) => ({
        sceneId: `s${i}`,
        sceneType: 'testimonial',
        prompt: `Customer ${i} smiles`,
        durationSec: 5,
        aspectRatio: '9:16' as const,
      })),
    };
    const { workflowId } = await startProjectVideos(h.client, project, { taskQueue: h.taskQueue });
    const midway = await waitFor(async () => {
      const p = await getProjectProgress(h.client, workflowId);
      return p.counts.running === 2 && Object.keys(p.live).length > 0 ? p : undefined;
    }, 30_000);
    expect(midway.scenes.filter((s) => s.phase === 'running')).toHaveLength(2);

    const result = await waitForProjectVideos(h.client, workflowId);
    expect(result.counts).toMatchObject({ succeeded: 6, failed: 0, skipped: 0 });
    expect(result.scenes.every((s) => s.provider === 'kling' && s.s3Key?.startsWith(`ai-videos/${projectId}/`))).toBe(
      true,
    );
    expect(h.sandbox.stats().maxConcurrentProcessing[sandboxKey('kling')]).toBe(2);
    expect(result.totalCostUsd).toBeCloseTo(
      result.scenes.reduce((s, x) => s + x.costUsd, 0),
      6,
    );
  });

  it('stops starting scenes when the budget left cannot cover the cheapest worst case, and says why', async () => {
    const projectId = `budget-${uid()}`;
    // A 16:9 6 s broll scene ranks Hailuo first ($0.20 a clip at worst); the cheapest worst case is Hunyuan's $0.09.
    const scenes = Array.from({ length: 4 }, (_, i) => ({
      sceneId: `b${i}`,
      sceneType: 'broll',
      prompt: `Forest background ${i}`,
      durationSec: 6,
      aspectRatio: '16:9' as const,
    }));
    const { workflowId } = await startProjectVideos(
      h.client,
      { projectId, maxConcurrentScenes: 1, budgetUsd: 0.5, polling, scenes },
      { taskQueue: h.taskQueue },
    );
    const result = await waitForProjectVideos(h.client, workflowId);
    expect(result.counts.succeeded).toBeGreaterThanOrEqual(1);
    expect(result.counts.skipped).toBeGreaterThanOrEqual(1);
    expect(result.totalCostUsd).toBeLessThanOrEqual(0.5);
    const skipped = result.scenes.find((s) => s.phase === 'skipped')!;
    expect(skipped.error).toMatch(
      /^budget: \$[\d.]+ left cannot cover the cheapest worst case, \$0\.0900 \(hunyuan\)$/,
    );
    expect(skipped.budget).toBe('skipped');
    expect(result.budget).toMatchObject({ budgetUsd: 0.5, reservedUsd: 0, spentUsd: result.totalCostUsd });
  });

  it('one failing scene does not fail the others', async () => {
    const projectId = `mixed-${uid()}`;
    const { workflowId } = await startProjectVideos(
      h.client,
      {
        projectId,
        polling,
        scenes: [
          { sceneId: 'ok', sceneType: 'product', prompt: 'The bottle on a table', durationSec: 5, aspectRatio: '16:9' },
          {
            sceneId: 'bad',
            sceneType: 'product',
            prompt: 'Something forbidden',
            durationSec: 5,
            aspectRatio: '16:9',
            allowedProviders: ['luma'],
          },
        ],
      },
      { taskQueue: h.taskQueue },
    );
    const result = await waitForProjectVideos(h.client, workflowId);
    expect(result.scenes.find((s) => s.sceneId === 'ok')).toMatchObject({ phase: 'succeeded', provider: 'luma' });
    const bad = result.scenes.find((s) => s.sceneId === 'bad')!;
    expect(bad.phase).toBe('failed');
    expect(bad.error).toMatch(/every provider failed.*luma: .*ContentPolicy/);
  });
});
