import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveSceneProgress } from '../../src/client/live-scene-progress';
import type { AttemptProgress } from '../../src/contract/scene-workflow';
import type { ScenarioInput } from '../../dev/sandbox';
import { generateSceneVideo } from '../../src/workflows';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { waitFor } from '../helpers/wait-for';

let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness();
});
afterAll(async () => {
  await h?.close();
});

const runwayKey = sandboxKey('runway');
const klingKey = sandboxKey('kling');

/** A fresh sandbox (stats and tasks) with the usual timings and `extra`. */
function given(extra: ScenarioInput): void {
  h.sandbox.reset();
  h.sandbox.setScenario({ default: { queueMs: 100, renderMs: 500 }, ...extra });
}

function start(overrides: Parameters<SceneHarness['scene']>[0] = {}) {
  const input = h.scene({ sceneType: 'hook', prompt: `Opening shot ${Math.random()}`, ...overrides });
  return h.client.workflow.start(generateSceneVideo, {
    taskQueue: h.taskQueue,
    workflowId: `limits-${input.sceneId}`,
    args: [input],
  });
}

const durationMs = (a: AttemptProgress) => Date.parse(a.endedAt!) - Date.parse(a.startedAt);
const requests = (route: string) => h.sandbox.stats().requests[route] ?? {};

describe("Runway's account limits", () => {
  it('a task THROTTLED behind another for longer than the provider deadline still succeeds, its throttled time reported', async () => {
    given({ models: { [runwayKey]: { concurrency: 1, queueMs: 0, renderMs: 3_000 } } });
    // Each render takes 3 s; the second scene's task waits ~3 s THROTTLED first, ~6 s in all, over the 5 s deadline.
    const polling = { intervalMs: 200, providerDeadlineMs: 5_000, queueDeadlineMs: 60_000 };
    const scenes = [
      await start({ allowedProviders: ['runway'], polling }),
      await start({ allowedProviders: ['runway'], polling }),
    ];
    const throttledLive = await waitFor(async () => {
      for (const scene of scenes) {
        const attempt = (await liveSceneProgress(h.client, scene.workflowId)).attempts[0];
        if (attempt?.throttled) return attempt;
      }
      return undefined;
    }, 10_000);
    expect(throttledLive.state).toBe('queued');

    const results = await Promise.all(scenes.map((s) => s.result()));
    for (const r of results) expect(r.attempts.map((a) => [a.provider, a.state])).toEqual([['runway', 'succeeded']]);
    const [waited] = results.map((r) => r.attempts[0]!).sort((a, b) => (b.throttledMs ?? 0) - (a.throttledMs ?? 0));
    // About 3 s throttled, counted between two looks that both saw it throttled: one look's spacing is lost at each end,
    // and looks through activity retries are spaced by the server's retry timer, not only the 200 ms interval.
    expect(waited!.throttledMs).toBeGreaterThanOrEqual(1_500);
    expect(durationMs(waited!)).toBeGreaterThan(polling.providerDeadlineMs);
    expect(h.sandbox.stats().tasksCreated).toEqual({ [runwayKey]: 2 });
  }, 60_000);

  it('the daily generations cap (429 on create) ends the Runway attempt at once, and the next provider renders', async () => {
    given({ models: { [runwayKey]: { dailyGenerations: 0 } } });
    const result = await (await start()).result();
    expect(result.provider).toBe('kling');
    const [capped, delivered] = result.attempts;
    expect(capped).toMatchObject({ provider: 'runway', state: 'failed', costUsd: 0 });
    expect(capped!.error).toMatch(
      /^ProviderRejected: runway create: quota_exhausted \(HTTP 429\): .*maximum daily generations for this model/,
    );
    expect(durationMs(capped!)).toBeLessThan(1_000);
    expect(delivered).toMatchObject({ provider: 'kling', state: 'succeeded' });
    expect(requests('POST /v1/text_to_video')).toEqual({ 429: 1 });
  }, 60_000);
});

describe('output URLs that expire before the upload reads them', () => {
  it('a Runway URL that expired while the upload retried is refreshed from the same task, with one task paid', async () => {
    // The first download meets a CDN 503; the retry comes 2 s later, after the 1 s signature has expired.
    given({
      outputs: { runwayUrlLifetimeMs: 1_000 },
      models: { [runwayKey]: { faults: [{ kind: 'download_5xx', times: 1 }] } },
    });
    const result = await (await start()).result();
    expect(result).toMatchObject({ provider: 'runway', stored: true });
    expect(result.attempts.map((a) => a.provider)).toEqual(['runway']);
    expect(h.sandbox.stats().tasksCreated).toEqual({ [runwayKey]: 1 });
    const downloads = requests('GET /runway-output/:file');
    expect(downloads).toMatchObject({ 503: 1, 403: 1, 200: 1 });
    expect((await h.inspectObject(result.s3Key!)).durationSec).toBeGreaterThan(0);
  }, 60_000);

  it('a PiAPI output deleted before the upload read it fails the attempt with the reason, and the next provider renders', async () => {
    given({
      outputs: { piapiRetentionMs: 1_000 },
      models: { [klingKey]: { faults: [{ kind: 'download_5xx', times: 1 }] } },
    });
    const result = await (await start({ preferredProvider: 'kling', allowedProviders: ['kling', 'runway'] })).result();
    expect(result.provider).toBe('runway');
    const [lost, delivered] = result.attempts;
    expect(lost).toMatchObject({ provider: 'kling', state: 'failed' });
    expect(lost!.costUsd).toBeGreaterThan(0);
    expect(lost!.error).toMatch(
      /^VideoDownloadFailed: kling task \S+: the video URL answered HTTP 404, and fetched again the task names the same URL, which answered HTTP 404 again: the provider has deleted the clip/,
    );
    expect(delivered).toMatchObject({ provider: 'runway', state: 'succeeded' });
    expect(h.sandbox.stats().tasksCreated).toEqual({ [klingKey]: 1, [runwayKey]: 1 });
  }, 60_000);
});
