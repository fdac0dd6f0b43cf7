import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../src/activities';
import type { UploadToS3Input } from '../../src/contract/activities';
import { s3KeyFor } from '../../src/activities/upload/upload-to-s3';
import { defaultCatalogue } from '../../src/config/catalogue';
import { createPiapiClient } from '../../src/providers/piapi';
import { createRunwayClient } from '../../src/providers/runway';
import { startSandbox, type Sandbox, type ScenarioInput } from '../../dev/sandbox';
import { failureTypes } from '../../src/contract/scene-workflow';
import { gen45Body, klingBody, piapi, runway } from '../sandbox/http';
import { failureOf, runUploadToS3 } from './run-upload';
import { sha256, useTestBucket } from './test-bucket';

type Fault = NonNullable<NonNullable<ScenarioInput['default']>['faults']>[number];

const prefix = 'test-download-recovery';
const testBucket = useTestBucket();

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: { default: { queueMs: 0, renderMs: 0, latencyMs: 0 } } });
});
afterAll(async () => {
  await sandbox?.close();
});

function deps(download: Partial<ActivityDeps['download']> = {}, withClients = true): ActivityDeps {
  return {
    catalogue: defaultCatalogue,
    providers: withClients
      ? {
          piapi: createPiapiClient({ baseUrl: sandbox.piapiBaseUrl, apiKey: sandbox.apiKeys.piapi }),
          runway: createRunwayClient({ baseUrl: sandbox.runwayBaseUrl, apiKey: sandbox.apiKeys.runway }),
        }
      : {},
    s3: testBucket.s3,
    storage: { bucket: testBucket.name, prefix, failureMode: 'fail' },
    download: { sandboxOrigin: sandbox.origin, maxBytes: 64 * 1024 * 1024, ...download },
    requestTimeoutMs: 5_000,
  };
}

/** A finished sandbox task of `provider` whose output file (padded to `videoBytes`) is served with `faults`. */
async function finishedTask(provider: 'kling' | 'runway', faults: Fault[] = [], videoBytes?: number) {
  sandbox.setScenario({ videoBytes, default: { queueMs: 0, renderMs: 0, latencyMs: 0, faults } });
  let taskId: string;
  let videoUrl: string;
  if (provider === 'kling') {
    const created = await piapi(sandbox).create(klingBody());
    taskId = created.json.data.task_id as string;
    const { output } = await piapi(sandbox).until(taskId, 'completed');
    videoUrl = output.video_url ?? output.video;
  } else {
    const created = await runway(sandbox).textToVideo(gen45Body());
    taskId = created.json.id as string;
    videoUrl = (await runway(sandbox).until(taskId, 'SUCCEEDED')).output[0];
  }
  const input: UploadToS3Input = {
    provider,
    taskId,
    videoUrl,
    sceneId: `s-${taskId.slice(0, 8)}`,
    projectId: 'download-recovery',
    sceneType: 'hook',
  };
  return { input, key: s3KeyFor(prefix, input) };
}

const taskGets = (route: 'piapi' | 'runway') =>
  Object.values(
    sandbox.stats().requests[route === 'piapi' ? 'GET /api/v1/task/:id' : 'GET /v1/tasks/:id'] ?? {},
  ).reduce((n, c) => n + c, 0);

describe('a download that trickles', () => {
  it('fails within the throughput window, retryably and with the reason, and the retry stores the clip', async () => {
    const windowMs = 2_000;
    const { input, key } = await finishedTask('kling', [{ kind: 'download_slow', bytesPerSec: 1, times: 1 }]);
    const policy = { minBytesPerSec: 4 * 1024, throughputWindowMs: windowMs };
    const started = Date.now();
    const failure = await failureOf(runUploadToS3(deps(policy), input));
    const tookMs = Date.now() - started;
    expect(failure.type).toBe(failureTypes.downloadFailed);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toMatch(
      /^kling: video download too slow: \d+ bytes in 2 s, under the minimum of 4096 bytes\/s \(DOWNLOAD_MIN_BYTES_PER_SEC over DOWNLOAD_THROUGHPUT_WINDOW_SEC\)$/,
    );
    // The bound: one window plus one sampling tick (a quarter window here), with room for a loaded machine.
    expect(tookMs).toBeGreaterThanOrEqual(windowMs);
    expect(tookMs).toBeLessThan(windowMs + 2_000);
    expect(await testBucket.stored(key)).toBeUndefined();
    expect(await testBucket.unfinishedUploads(key)).toBe(0);

    // What Temporal's retry does next: the same activity again, and the CDN is back to normal.
    const out = await runUploadToS3(deps(policy), input);
    const clip = Buffer.from(await (await fetch(input.videoUrl)).arrayBuffer());
    expect(out.bytes).toBe(clip.length);
    expect(sha256((await testBucket.stored(key))!)).toBe(sha256(clip));
  }, 30_000);

  it('a slow but steady download above the minimum is not cut off', async () => {
    const videoBytes = 768 * 1024;
    const { input, key } = await finishedTask(
      'kling',
      [{ kind: 'download_slow', bytesPerSec: 256 * 1024 }],
      videoBytes,
    );
    const out = await runUploadToS3(deps({ minBytesPerSec: 64 * 1024, throughputWindowMs: 1_000 }), input);
    expect(out.bytes).toBe(videoBytes);
    expect((await testBucket.stored(key))?.length).toBe(out.bytes);
  }, 30_000);
});

describe('an output URL that no longer serves the clip', () => {
  it.each([
    ['kling', 'a 404 once (CDN miss)', (url: string) => url, [{ kind: 'download_404', times: 1 }] as Fault[]],
    ['kling', 'a URL that is gone', (url: string) => url.replace(/[^/]+$/, 'expired.mp4'), []],
    ['runway', 'an expired signature (403)', (url: string) => url.replace(/_jwt=[^&]+/, '_jwt=expired'), []],
  ] as const)(
    '%s, %s: the task is fetched again for a fresh URL and the same paid clip is stored',
    async (provider, _what, spoil, faults) => {
      const { input, key } = await finishedTask(provider, [...faults]);
      const route = provider === 'kling' ? 'piapi' : 'runway';
      const before = { gets: taskGets(route), tasks: sandbox.stats().tasks.length };
      const out = await runUploadToS3(deps(), { ...input, videoUrl: spoil(input.videoUrl) });
      expect(out.s3Key).toBe(key);
      expect((await testBucket.stored(key))?.length).toBe(out.bytes);
      expect(taskGets(route) - before.gets).toBe(1);
      expect(sandbox.stats().tasks.length).toBe(before.tasks);
    },
  );

  it('reports the URL it read the clip from: the fresh one, stored or not, never the dead one', async () => {
    const { input } = await finishedTask('runway');
    const dead = input.videoUrl.replace(/_jwt=[^&]+/, '_jwt=expired');
    const out = await runUploadToS3(deps(), { ...input, videoUrl: dead });
    expect(out.videoUrl).toMatch(/_jwt=/);
    expect(out.videoUrl).not.toBe(dead);
    expect((await fetch(out.videoUrl!)).status).toBe(200);
    // Storage down: the failure the workflow turns into "generated but not stored" names the URL that works.
    const unstored = {
      ...deps(),
      storage: { bucket: 'no-such-bucket-recovery', prefix, failureMode: 'fail' as const },
    };
    const failure = await failureOf(runUploadToS3(unstored, { ...input, videoUrl: dead }));
    expect(failure.type).toBe(failureTypes.storageUnavailable);
    const reported = (failure.details?.[0] as { videoUrl?: string } | undefined)?.videoUrl;
    expect(reported).toMatch(/_jwt=/);
    expect(reported).not.toBe(dead);
    expect((await fetch(dead)).status).toBe(403);
    expect((await fetch(reported!)).status).toBe(200);
    // A URL that served needs no refresh and is the one reported.
    expect((await runUploadToS3(deps(), input)).videoUrl).toBe(input.videoUrl);
  });

  it('a fresh URL that still answers 404 fails for good, saying what was tried', async () => {
    const { input, key } = await finishedTask('kling', [{ kind: 'download_404' }]);
    const failure = await failureOf(runUploadToS3(deps(), input));
    expect(failure.type).toBe(failureTypes.downloadFailed);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(
      `kling task ${input.taskId}: the video URL answered HTTP 404, and fetched again the task names the same URL, ` +
        'which answered HTTP 404 again: the provider has deleted the clip (outputs are kept only for a while), so it ' +
        'cannot be stored',
    );
    expect(await testBucket.stored(key)).toBeUndefined();
  });

  it('a task the provider no longer knows fails for good with the provider answer', async () => {
    const { input } = await finishedTask('runway', [{ kind: 'download_404' }]);
    await runway(sandbox).delete(input.taskId);
    const failure = await failureOf(runUploadToS3(deps(), input));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(
      new RegExp(
        `^runway task ${input.taskId}: the video URL answered HTTP 404; fetching the task again for a fresh URL failed \\(Runway GET /v1/tasks/\\{id\\}: HTTP 404`,
      ),
    );
  });

  it('without a client to ask, the failure says so', async () => {
    const { input } = await finishedTask('kling', [{ kind: 'download_404' }]);
    const failure = await failureOf(runUploadToS3(deps({}, false), input));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(
      `kling task ${input.taskId}: the video URL answered HTTP 404, and this worker has no kling client to ask for a fresh URL`,
    );
  });
});
