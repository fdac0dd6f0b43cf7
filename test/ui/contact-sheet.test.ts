import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProjectVideos, waitForProjectVideos, type ProjectInput } from '../../src/client';
import { renderContactSheet } from '../../src/cli/contact-sheet';
import type { ScenarioInput } from '../../dev/sandbox';
import { launchChromium } from '../../dev/harness/chromium';
import { jsonOf, runCli, stackEnv } from '../cli/run-cli';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { stackInfo } from '../helpers/stack-info';

const root = join(__dirname, '..', '..');
const readJson = (file: string): unknown => JSON.parse(readFileSync(join(root, file), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'scene-video-sheet-'));

let h: SceneHarness;
let browser: Browser;
beforeAll(async () => {
  // The demo's sandbox: every task renders for seconds, and the first Runway task fails (one scene falls back).
  h = await startSceneHarness({ scenario: readJson('examples/sandbox-scenario.json') as ScenarioInput });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a <video> reports once it gave up or while it waits: why a clip did not load, for the failure message. */
interface VideoState {
  src: string;
  readyState: number;
  networkState: number;
  error?: string;
}

describe('scene-video report in headless Chromium', () => {
  it("opens the demo project's contact sheet from disk, every clip loaded from S3 through its presigned URL", async () => {
    const project = readJson('examples/launch-campaign.json') as ProjectInput;
    project.polling = { intervalMs: 1_000, providerDeadlineMs: 10 * 60_000 };
    const { workflowId } = await startProjectVideos(h.client, project, { taskQueue: h.taskQueue });
    const result = await waitForProjectVideos(h.client, workflowId);
    expect(result.counts.succeeded).toBe(project.scenes.length);

    const file = join(dir, 'sheet', `contact-sheet-${project.projectId}.html`);
    const s3 = stackInfo().s3;
    const run = await runCli(['report', project.projectId, '--out', file, '--json'], {
      ...stackEnv(h.taskQueue),
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOf(run)).toMatchObject({ path: file, scenes: 6, clips: 6, status: 'COMPLETED' });
    // The page carries no credential: only signatures, which expire.
    expect(readFileSync(file, 'utf8')).not.toContain(s3.secretAccessKey);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(pathToFileURL(file).href);
    const videos = () =>
      page.$$eval('video', (els) =>
        els.map((v): VideoState => ({
          src: v.currentSrc,
          readyState: v.readyState,
          networkState: v.networkState,
          error: v.error ? `code ${v.error.code}: ${v.error.message}` : undefined,
        })),
      );
    try {
      // HAVE_CURRENT_DATA (2): the frame at the current position has been fetched and decoded.
      await page.waitForFunction(
        "[...document.querySelectorAll('video')].every((v) => v.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA)",
        undefined,
        { timeout: 60_000 },
      );
    } catch (err) {
      // MEDIA_ERR_SRC_NOT_SUPPORTED (4) with the bytes fetched points at the codec (a Chromium without H.264), not S3.
      throw new Error(`Not every clip loaded: ${JSON.stringify(await videos(), null, 1)}`, { cause: err });
    }
    const loaded = await videos();
    expect(loaded).toHaveLength(6);
    for (const v of loaded) {
      expect(v.src.startsWith(`${s3.endpoint}/${s3.bucket}/`), v.src).toBe(true);
      expect(v.src).toContain('X-Amz-Signature=');
    }

    const cards = await page.$$eval('article.card', (els) =>
      els.map((e) => ({
        sceneId: e.getAttribute('data-scene-id'),
        phase: e.getAttribute('data-phase'),
        provider: e.getAttribute('data-provider'),
        costUsd: Number(e.getAttribute('data-billed-usd')),
        text: (e as { innerText: string }).innerText,
      })),
    );
    expect(cards.map(({ sceneId, phase, provider, costUsd }) => ({ sceneId, phase, provider, costUsd }))).toEqual(
      result.scenes.map((s) => ({ sceneId: s.sceneId, phase: s.phase, provider: s.provider, costUsd: s.costUsd })),
    );
    cards.forEach((card, i) => expect(card.text).toContain(project.scenes[i]!.prompt));
    // The fallback the scenario forces: the hook's first attempt, Runway, failed, with its reason in words.
    expect(cards[0]!.text).toMatch(/Runway[^\n]* · gen4\.5 failed: the provider failed the task/);
    expect(Number(await page.getAttribute('[data-total-usd]', 'data-total-usd'))).toBe(result.totalCostUsd);

    // The picture shows every clip at the same point past its first frame, without the controls Chromium overlays on
    // clips below the fold (a loading spinner: muted autoplay pauses off-screen clips).
    await page.$$eval('video', (els) =>
      Promise.all(
        els.map((v) => {
          v.pause();
          v.controls = false;
          v.currentTime = 1.5;
          return new Promise((done) => v.addEventListener('seeked', done, { once: true }));
        }),
      ),
    );
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(root, 'assets', 'contact-sheet.png'), fullPage: true });

    // A phone: one column, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    const wider = await page.evaluate(
      "[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 390).map((e) => e.outerHTML.slice(0, 120))",
    );
    expect(wider).toEqual([]);
    await page.close();
  });

  it('shows a prompt holding markup as text: nothing in it runs', async () => {
    const prompt = '<script>window.pwned = 1</script><img src="x" onerror="window.pwned = 2">';
    const page = await browser.newPage();
    await page.setContent(
      renderContactSheet({
        projectId: 'p',
        workflowId: 'project-video-p',
        status: 'COMPLETED',
        generatedAt: new Date().toISOString(),
        urlsExpireAt: new Date().toISOString(),
        totalCostUsd: 0,
        providers: {},
        notes: [],
        scenes: [
          {
            status: { sceneId: 's', sceneType: 'hook', workflowId: 'w', phase: 'failed', costUsd: 0, error: prompt },
            asked: { prompt, aspectRatio: '16:9', durationSec: 5 },
            attempts: [],
          },
        ],
      }),
    );
    expect(await page.evaluate('window.pwned')).toBeUndefined();
    expect(await page.locator('.prompt').innerText()).toBe(prompt);
    expect(await page.locator('img, script').count()).toBe(0);
    await page.close();
  });
});
