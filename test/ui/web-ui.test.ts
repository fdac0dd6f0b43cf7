import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProjectVideos, waitForProjectVideos } from '../../src/client';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { stackInfo } from '../helpers/stack-info';
import { launchChromium } from '../../dev/harness/chromium';
import { listRunsInUi } from '../helpers/web-ui';

let h: SceneHarness;
let browser: Browser;
beforeAll(async () => {
  h = await startSceneHarness();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('Temporal Web UI', () => {
  it('filters the runs by ProjectId and shows a scene with its search attributes and memo', async () => {
    const projectId = `ui-${Date.now().toString(36)}`;
    const { workflowId } = await startProjectVideos(
      h.client,
      {
        projectId,
        polling: { intervalMs: 200, providerDeadlineMs: 60_000 },
        scenes: [
          { sceneId: 'hook', sceneType: 'hook', prompt: 'City at dawn', durationSec: 5, aspectRatio: '16:9' },
          { sceneId: 'product', sceneType: 'product', prompt: 'The bottle', durationSec: 5, aspectRatio: '1:1' },
        ],
      },
      { taskQueue: h.taskQueue },
    );
    const result = await waitForProjectVideos(h.client, workflowId);
    expect(result.counts.succeeded).toBe(2);

    const ui = stackInfo().uiUrl!;
    const { page, missing } = await listRunsInUi(browser, {
      uiUrl: ui,
      namespace: stackInfo().namespace,
      query: `ProjectId="${projectId}" AND WorkflowType="generateSceneVideo"`,
      workflowIds: result.scenes.map((s) => s.workflowId),
      timeoutMs: 60_000,
    });
    expect(missing).toEqual([]);
    await page.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/scene-video-ui-list.png` });

    const scene = result.scenes[0]!;
    await page.goto(`${ui}/namespaces/${stackInfo().namespace}/workflows/${scene.workflowId}`);
    await page.getByText(scene.workflowId).first().waitFor({ timeout: 60_000 });
    await page.getByText('Search Attributes', { exact: true }).click();
    await page.getByText('VideoProvider').first().waitFor({ timeout: 30_000 });
    const attributes = await page.locator('main').innerText();
    expect(attributes).toContain('SceneType');
    expect(attributes).toContain(scene.provider!);
    expect(attributes).toContain('succeeded');
    await page.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/scene-video-ui-attributes.png`, fullPage: true });

    await page.getByText('Memo', { exact: true }).click();
    await page.getByText('s3Key').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('main').innerText()).toContain(scene.s3Key!);
    await page.close();
  });
});
