import { CreateMultipartUploadCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../src/activities';
import type { UploadToS3Input } from '../../src/contract/activities';
import { s3KeyFor, uploadPartSize } from '../../src/activities/upload/upload-to-s3';
import { defaultCatalogue } from '../../src/config/catalogue';
import { startSandbox, type Sandbox, type ScenarioInput } from '../../dev/sandbox';
import { failureTypes } from '../../src/contract/scene-workflow';
import { MiB, sha256, useTestBucket } from './test-bucket';
import { stackInfo } from '../helpers/stack-info';
import { waitFor } from '../helpers/wait-for';
import { klingBody, piapi } from '../sandbox/http';
import { failureOf, runUploadToS3 } from './run-upload';

const prefix = 'test-upload';
const testBucket = useTestBucket();
const { stored, unfinishedUploads } = testBucket;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: { default: { queueMs: 0, renderMs: 0, latencyMs: 0 } } });
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => sandbox.setScenario({ default: { queueMs: 0, renderMs: 0, latencyMs: 0 } }));

function deps(overrides: { bucket?: string; download?: Partial<ActivityDeps['download']> } = {}): ActivityDeps {
  return {
    catalogue: defaultCatalogue,
    providers: {},
    s3: testBucket.s3,
    storage: { bucket: overrides.bucket ?? testBucket.name, prefix, failureMode: 'fail' },
    download: { sandboxOrigin: sandbox.origin, maxBytes: 512 * MiB, ...overrides.download },
  };
}

/** A finished sandbox task whose file is padded to `videoBytes` (the bare clip without), served with `faults`. */
type Faults = NonNullable<ScenarioInput['default']>['faults'];

async function sandboxVideo(opts: { videoBytes?: number; faults?: Faults } = {}) {
  sandbox.setScenario({
    videoBytes: opts.videoBytes,
    default: { queueMs: 0, renderMs: 0, latencyMs: 0, faults: opts.faults ?? [] },
  });
  const api = piapi(sandbox);
  const created = await api.create(klingBody());
  expect(created.status, created.text).toBe(200);
  const taskId = created.json.data.task_id as string;
  const { output } = await api.until(taskId, 'completed');
  const input: UploadToS3Input = {
    provider: 'kling',
    taskId,
    videoUrl: output.video_url ?? output.video,
    sceneId: 's1',
    projectId: 'upload-test',
    sceneType: 'hook',
  };
  return { input, key: s3KeyFor(prefix, input) };
}

async function served(url: string): Promise<Buffer> {
  return Buffer.from(await (await fetch(url)).arrayBuffer());
}

describe('uploadToS3 on the real S3 server', () => {
  it('streams a 20 MiB video in several parts, byte for byte, with its metadata', async () => {
    expect(20 * MiB).toBeGreaterThan(2 * uploadPartSize);
    const { input, key } = await sandboxVideo({ videoBytes: 20 * MiB });
    const out = await runUploadToS3(deps(), input);
    // The URL it read the clip from: the one given, as it answered (a refreshed one when it had expired).
    expect(out).toEqual({
      s3Key: key,
      s3Url: `s3://${testBucket.name}/${key}`,
      objectUrl: `${stackInfo().s3.endpoint}/${testBucket.name}/${key}`,
      bytes: 20 * MiB,
      videoUrl: input.videoUrl,
    });
    const head = await testBucket.s3.send(new HeadObjectCommand({ Bucket: testBucket.name, Key: key }));
    expect(head.ContentLength).toBe(20 * MiB);
    expect(head.ContentType).toBe('video/mp4');
    expect(head.Metadata).toEqual({
      provider: 'kling',
      taskid: input.taskId,
      sceneid: 's1',
      projectid: 'upload-test',
      scenetype: 'hook',
    });
    // A multipart object's ETag ends with its part count.
    expect(head.ETag).toMatch(/-4"?$/);
    expect(sha256((await stored(key))!)).toBe(sha256(await served(input.videoUrl)));
    expect(await unfinishedUploads(key)).toBe(0);
  });

  it('stores a clip smaller than one part', async () => {
    const { input, key } = await sandboxVideo();
    const clip = await served(input.videoUrl);
    expect(clip.length).toBeGreaterThan(0);
    expect(clip.length).toBeLessThan(uploadPartSize);
    const out = await runUploadToS3(deps(), input);
    expect(out.bytes).toBe(clip.length);
    expect(sha256((await stored(key))!)).toBe(sha256(clip));
  });

  it('a truncated download leaves no object and no unfinished multipart upload, and may be retried', async () => {
    const { input, key } = await sandboxVideo({
      videoBytes: 20 * MiB,
      faults: [{ kind: 'download_truncated', fraction: 0.8 }],
    });
    const failure = await failureOf(runUploadToS3(deps(), input));
    expect(failure.type).toBe(failureTypes.downloadFailed);
    expect(failure.nonRetryable).toBe(false);
    expect(await stored(key)).toBeUndefined();
    expect(await unfinishedUploads(key)).toBe(0);
  });

  it('a failing attempt leaves alone the clip an attempt that outran it stored under the same key', async () => {
    for (const videoBytes of [64 * 1024, 20 * MiB]) {
      const { input, key } = await sandboxVideo({
        videoBytes,
        faults: [{ kind: 'download_truncated', fraction: 0.8 }],
      });
      await testBucket.s3.send(
        new PutObjectCommand({ Bucket: testBucket.name, Key: key, Body: 'the clip stored first' }),
      );
      const failure = await failureOf(runUploadToS3(deps(), input));
      expect(failure.message).toMatch(/received \d+ of \d+ bytes|closed early/);
      expect((await stored(key))?.toString()).toBe('the clip stored first');
      expect(await unfinishedUploads(key)).toBe(0);
    }
  });

  it('cancellation stops the upload and leaves no object and no unfinished multipart upload', async () => {
    const { input, key } = await sandboxVideo({
      videoBytes: 24 * MiB,
      faults: [{ kind: 'download_slow', bytesPerSec: 4 * MiB }],
    });
    const env = new MockActivityEnvironment();
    const running = runUploadToS3(deps(), input, env);
    // Once the first part is up, the multipart upload exists.
    await waitFor(async () => ((await unfinishedUploads(key)) > 0 ? true : undefined), 20_000, 50);
    env.cancel();
    await expect(running).rejects.toBeDefined();
    expect(await stored(key)).toBeUndefined();
    expect(await unfinishedUploads(key)).toBe(0);
  });

  it('an attempt after the first clears multipart uploads an earlier attempt left behind', async () => {
    const { input, key } = await sandboxVideo();
    await testBucket.s3.send(new CreateMultipartUploadCommand({ Bucket: testBucket.name, Key: key }));
    expect(await unfinishedUploads(key)).toBe(1);
    await runUploadToS3(deps(), input, new MockActivityEnvironment({ attempt: 2 }));
    expect(await unfinishedUploads(key)).toBe(0);
    expect(await stored(key)).toBeDefined();
  });

  it('a missing bucket is a permanent storage failure', async () => {
    const { input } = await sandboxVideo();
    const failure = await failureOf(runUploadToS3(deps({ bucket: 'no-such-bucket-upload-test' }), input));
    expect(failure.type).toBe(failureTypes.storageUnavailable);
    expect(failure.nonRetryable).toBe(true);
  });
});

describe('uploadToS3 size limit, on a download without Content-Length', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    // Streams 20 MiB chunked, so only the byte counter can notice the limit, after parts have gone up.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      let sent = 0;
      const pump = () => {
        while (sent < 20 * MiB) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = Infinity));
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fails without retry past the limit and leaves no object and no unfinished multipart upload', async () => {
    const input: UploadToS3Input = {
      provider: 'kling',
      taskId: `chunked-${process.pid}`,
      videoUrl: `${origin}/video.mp4`,
      sceneId: 's2',
      projectId: 'upload-test',
      sceneType: 'hook',
    };
    const key = s3KeyFor(prefix, input);
    const limited = deps({ download: { sandboxOrigin: origin, maxBytes: 14 * MiB } });
    const failure = await failureOf(runUploadToS3(limited, input));
    expect(failure.type).toBe(failureTypes.downloadFailed);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/exceeds the 14680064-byte limit/);
    expect(await stored(key)).toBeUndefined();
    expect(await unfinishedUploads(key)).toBe(0);
  });
});
