import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  presignedSceneClipUrl,
  SceneClipUnavailableError,
  startSceneVideo,
  waitForSceneVideo,
  type SceneVideoResult,
} from '../../src/client';
import { defaultCatalogue } from '../../src/config/catalogue';
import { jsonOf, runCli, stackEnv } from '../cli/run-cli';
import { startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { stackInfo } from '../helpers/stack-info';

/**
 * The URLs a finished scene gives the next stage, against the local S3 server (versitygw): the result's plain
 * `objectUrl` and a presigned URL made on request (client and CLI) must fetch exactly the stored object, and the
 * object must say what produced it. A bucket of this file's own, as its policy (anonymous read) is the bucket's one.
 */
let h: SceneHarness;
const bucket = `clip-urls-${randomUUID().slice(0, 8)}`;
let scene: ReturnType<SceneHarness['scene']>;
let workflowId: string;
let result: SceneVideoResult;
let stored: Buffer;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const fetched = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
};
const cliEnv = () => {
  const { s3 } = stackInfo();
  return {
    ...stackEnv(h.taskQueue),
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
};

beforeAll(async () => {
  h = await startSceneHarness({ scenario: { default: { queueMs: 100, renderMs: 500 } } });
  await h.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  h.deps.storage.bucket = bucket;
  scene = h.scene({ sceneType: 'hook', prompt: `A lighthouse at dusk, café lights ${randomUUID()}`, durationSec: 6 });
  ({ workflowId } = await startSceneVideo(h.client, scene, { taskQueue: h.taskQueue }));
  result = await waitForSceneVideo(h.client, workflowId);
  const object = await h.s3.send(new GetObjectCommand({ Bucket: bucket, Key: result.s3Key }));
  stored = Buffer.from(await object.Body!.transformToByteArray());
});
afterAll(async () => {
  await h?.s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket })).catch(() => undefined);
  await h?.close();
});

describe("a finished scene's URLs", () => {
  it('the object is video/mp4 with metadata that matches the result; the prompt only as its SHA-256', async () => {
    expect(result.stored).toBe(true);
    expect(stored.length).toBe(result.bytes);
    const head = await h.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: result.s3Key }));
    expect(head.ContentType).toBe('video/mp4');
    const attempt = result.attempts.at(-1)!;
    expect(attempt.state).toBe('succeeded');
    expect(head.Metadata).toEqual({
      provider: result.provider,
      model: defaultCatalogue.find((p) => p.key === result.provider)!.model,
      taskid: attempt.taskId,
      sceneid: scene.sceneId,
      projectid: scene.projectId,
      scenetype: 'hook',
      requesteddurationsec: '6',
      durationsec: String(result.durationSec),
      costusd: String(attempt.costUsd),
      promptsha256: sha256(scene.prompt),
    });
    expect(JSON.stringify(head.Metadata)).not.toMatch(/lighthouse/);
  });

  it('a presigned URL from the client fetches exactly the stored bytes, until its expiry', async () => {
    const before = Date.now();
    const clip = await presignedSceneClipUrl(h.client, h.s3, workflowId, { expiresInSec: 90 });
    expect(`s3://${clip.bucket}/${clip.key}`).toBe(result.s3Url);
    expect(new URL(clip.url).searchParams.get('X-Amz-Expires')).toBe('90');
    // The signature is dated to the whole second: the URL may stop up to a second before 90 s from now.
    expect(Date.parse(clip.expiresAt) - before).toBeGreaterThan(89_000);
    expect(Date.parse(clip.expiresAt) - Date.now()).toBeLessThanOrEqual(90_000);
    const got = await fetched(clip.url);
    expect(got.status).toBe(200);
    expect(got.body.equals(stored)).toBe(true);
  });

  it("the result's objectUrl is the presigned URL without its signature: 403 anonymously, the bytes once the bucket policy allows", async () => {
    const { url } = await presignedSceneClipUrl(h.client, h.s3, workflowId);
    const presigned = new URL(url);
    presigned.search = '';
    expect(result.objectUrl).toBe(presigned.toString());
    // Path style on a custom endpoint: the endpoint, the bucket, then the key.
    expect(result.objectUrl).toBe(`${stackInfo().s3.endpoint}/${bucket}/${result.s3Key}`);
    expect((await fetched(result.objectUrl!)).status).toBe(403);

    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${bucket}/${h.deps.storage.prefix}/*`,
        },
      ],
    };
    await h.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
    const got = await fetched(result.objectUrl!);
    expect(got.status).toBe(200);
    expect(got.body.equals(stored)).toBe(true);
  });

  it('scene-video url prints a working URL, with --json its expiry, bucket and key', async () => {
    const env = cliEnv();
    const human = await runCli(['url', workflowId], env);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^http:\/\/\S+X-Amz-Expires=3600\S*\n$/);

    const json = await runCli(['url', workflowId, '--expires', '120', '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    const doc = jsonOf(json);
    expect(doc).toEqual({ url: expect.any(String), expiresAt: expect.any(String), bucket, key: result.s3Key });
    expect(new URL(doc.url).searchParams.get('X-Amz-Expires')).toBe('120');
    const got = await fetched(doc.url);
    expect(got.body.equals(stored)).toBe(true);
  });

  it('scene-video url refuses a bad --expires before connecting (exit 2)', async () => {
    // No Temporal or S3 in the environment: the flag is checked first.
    const runs = await Promise.all(
      ['0', '604801', '1.5', 'soon'].map((e) => runCli(['url', workflowId, '--expires', e])),
    );
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/--expires/);
    }
  });

  it('scene-video url without S3 credentials says so (exit 2)', async () => {
    const { S3_ACCESS_KEY_ID: _, S3_SECRET_ACCESS_KEY: __, ...env } = cliEnv();
    const run = await runCli(['url', workflowId], { ...env, AWS_EC2_METADATA_DISABLED: 'true' });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/Cannot sign the URL: no S3 credentials/);
    expect(run.stderr).toMatch(/Set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/);
  });

  it('no such scene: the client says not-found, the CLI exits 3', async () => {
    const missing = `scene-video:test-project:missing-${randomUUID().slice(0, 8)}`;
    const err = await presignedSceneClipUrl(h.client, h.s3, missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SceneClipUnavailableError);
    expect(err).toMatchObject({ reason: 'not-found', workflowId: missing });
    expect((await runCli(['url', missing], cliEnv())).code).toBe(3);
    await expect(presignedSceneClipUrl(h.client, h.s3, workflowId, { expiresInSec: 0 })).rejects.toThrow(RangeError);
  });

  it('a running scene has no URL yet (exit 1); once cancelled, it says it ended without a clip', async () => {
    h.sandbox.setScenario({ default: { queueMs: 0, renderMs: 120_000 } });
    const slow = h.scene({ prompt: `A slow render ${randomUUID()}` });
    const started = await startSceneVideo(h.client, slow, { taskQueue: h.taskQueue });
    const running = await presignedSceneClipUrl(h.client, h.s3, started.workflowId).catch((e: unknown) => e);
    expect(running).toMatchObject({ reason: 'running' });
    expect((running as Error).message).toMatch(/still running/);
    const cli = await runCli(['url', started.workflowId], cliEnv());
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/still running/);

    await started.handle.cancel();
    await started.handle.result().catch(() => undefined);
    const ended = await presignedSceneClipUrl(h.client, h.s3, started.workflowId).catch((e: unknown) => e);
    expect(ended).toMatchObject({ reason: 'not-completed' });
    expect((ended as Error).message).toMatch(/ended CANCELLED, so no clip was stored/);
  });

  it('a clip S3 did not take has no URL: unstored, exit 4', async () => {
    h.sandbox.setScenario({ default: { queueMs: 0, renderMs: 200 } });
    h.deps.storage.bucket = 'bucket-that-does-not-exist';
    try {
      const lost = h.scene({ prompt: `Storage is down ${randomUUID()}` });
      const started = await startSceneVideo(h.client, lost, { taskQueue: h.taskQueue });
      expect((await waitForSceneVideo(h.client, started.workflowId)).stored).toBe(false);
      const err = await presignedSceneClipUrl(h.client, h.s3, started.workflowId).catch((e: unknown) => e);
      expect(err).toMatchObject({ reason: 'unstored' });
      const cli = await runCli(['url', started.workflowId], cliEnv());
      expect(cli.code).toBe(4);
      expect(cli.stderr).toMatch(/S3 did not take it/);
    } finally {
      h.deps.storage.bucket = bucket;
    }
  });
});
