import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import {
  maxParts,
  minPartSize,
  partSizeFor,
  uploadStream,
  type StreamUploadOptions,
} from '../../src/activities/upload/multipart-upload';
import { s3ClientFor } from '../../dev/stack/s3-server';
import { stackInfo } from '../helpers/stack-info';
import { MiB, sha256, useTestBucket } from './test-bucket';

const partSize = minPartSize;

const testBucket = useTestBucket();
const { stored, unfinishedUploads } = testBucket;

/** The upload most tests make: into the test bucket, two parts in flight. */
const upload = (key: string, body: Readable, more: Partial<StreamUploadOptions> = {}) =>
  uploadStream({ client: testBucket.s3, Bucket: testBucket.name, Key: key, body, partSize, partsInFlight: 2, ...more });

let keys = 0;
const uniqueKey = (name: string) => `test-multipart/${process.pid}-${++keys}-${name}`;

/** `total` pseudo-random bytes in chunks of `chunk` bytes, like a download; can fail after `failAfter` bytes. */
function source(total: number, opts: { chunk?: number; failAfter?: number; error?: Error } = {}) {
  const data = randomBytes(total);
  const chunk = opts.chunk ?? 64 * 1024;
  let at = 0;
  const body = new Readable({
    read() {
      if (opts.failAfter !== undefined && at >= opts.failAfter) return this.destroy(opts.error);
      if (at >= total) return this.push(null);
      this.push(data.subarray(at, Math.min(total, at + chunk)));
      at += chunk;
    },
  });
  return { data, body };
}

/** Counts UploadPart requests in progress at once on `client`. */
function trackConcurrentParts(client: S3Client): { max: number } {
  const seen = { now: 0, max: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'UploadPartCommand') return next(args);
      seen.max = Math.max(seen.max, ++seen.now);
      try {
        return await next(args);
      } finally {
        seen.now--;
      }
    },
    { step: 'initialize', name: 'countParts' },
  );
  return seen;
}

describe('partSizeFor', () => {
  it('keeps the preferred size while the limit fits in 10,000 parts', () => {
    expect(partSizeFor(4 * 1024 * MiB, 6 * MiB)).toBe(6 * MiB);
    expect(partSizeFor(10, 6 * MiB)).toBe(6 * MiB);
  });
  it('never goes below S3’s 5 MiB minimum', () => {
    expect(partSizeFor(1024, 1)).toBe(minPartSize);
  });
  it('grows to whole MiB when the limit needs more than 10,000 parts', () => {
    const size = partSizeFor(100 * 1024 * MiB, 6 * MiB);
    expect(size).toBe(11 * MiB);
    expect(size * maxParts).toBeGreaterThanOrEqual(100 * 1024 * MiB);
  });
  it('refuses a limit no legal part size can hold', () => {
    expect(() => partSizeFor(60 * 1024 * 1024 * MiB, 6 * MiB)).toThrow(/10000 parts/);
  });
});

describe('uploadStream on the real S3 server', () => {
  it('stores an empty stream as an empty object with one PutObject', async () => {
    const key = uniqueKey('empty');
    const result = await uploadStream({
      client: testBucket.s3,
      Bucket: testBucket.name,
      Key: key,
      body: source(0).body,
      partSize,
      partsInFlight: 2,
    });
    expect(result).toEqual({ bytes: 0, parts: 0 });
    const head = await testBucket.s3.send(new HeadObjectCommand({ Bucket: testBucket.name, Key: key }));
    expect(head.ContentLength).toBe(0);
  });

  it('stores a stream smaller than a part with one PutObject, content type and metadata included', async () => {
    const key = uniqueKey('small');
    const { data, body } = source(100_000, { chunk: 7_000 });
    const result = await uploadStream({
      client: testBucket.s3,
      Bucket: testBucket.name,
      Key: key,
      ContentType: 'video/mp4',
      Metadata: { provider: 'kling' },
      body,
      partSize,
      partsInFlight: 2,
    });
    expect(result).toEqual({ bytes: 100_000, parts: 0 });
    expect(sha256((await stored(key))!)).toBe(sha256(data));
    const head = await testBucket.s3.send(new HeadObjectCommand({ Bucket: testBucket.name, Key: key }));
    expect(head.ContentType).toBe('video/mp4');
    expect(head.Metadata).toEqual({ provider: 'kling' });
  });

  it('takes no part buffer for a stream that fits in one part', async () => {
    const allocations = vi.spyOn(Buffer, 'allocUnsafeSlow');
    try {
      const key = uniqueKey('no-part-buffer');
      const { data, body } = source(partSize - 1, { chunk: 300_000 });
      expect(await upload(key, body)).toEqual({ bytes: partSize - 1, parts: 0 });
      expect(allocations).not.toHaveBeenCalledWith(partSize);
      expect(sha256((await stored(key))!)).toBe(sha256(data));
    } finally {
      allocations.mockRestore();
    }
  });

  it('moves the first chunks into a part buffer, byte for byte, once the stream outgrows one part', async () => {
    const key = uniqueKey('one-part-and-a-byte');
    // Chunks that do not divide the part size, so the chunk that outgrows the part straddles its end.
    const { data, body } = source(partSize + 1, { chunk: 700_001 });
    expect(await upload(key, body)).toEqual({ bytes: partSize + 1, parts: 2 });
    expect(sha256((await stored(key))!)).toBe(sha256(data));
    expect(await unfinishedUploads(key)).toBe(0);
  });

  it('stores a stream of exactly one part with one PutObject (no empty last part)', async () => {
    const key = uniqueKey('one-part');
    const { data, body } = source(partSize);
    expect(await upload(key, body)).toEqual({
      bytes: partSize,
      parts: 0,
    });
    expect(sha256((await stored(key))!)).toBe(sha256(data));
  });

  it('stores 12 MiB as three parts, byte for byte, with at most partsInFlight parts uploading at once', async () => {
    const client = s3ClientFor(stackInfo().s3);
    const concurrency = trackConcurrentParts(client);
    try {
      const key = uniqueKey('12mib');
      const { data, body } = source(12 * MiB, { chunk: 50_000 });
      const result = await uploadStream({
        client,
        Bucket: testBucket.name,
        Key: key,
        ContentType: 'video/mp4',
        Metadata: { sceneid: 's1' },
        body,
        partSize,
        partsInFlight: 2,
      });
      expect(result).toEqual({ bytes: 12 * MiB, parts: 3 });
      expect(concurrency.max).toBeGreaterThanOrEqual(1);
      expect(concurrency.max).toBeLessThanOrEqual(2);
      expect(sha256((await stored(key))!)).toBe(sha256(data));
      const head = await testBucket.s3.send(new HeadObjectCommand({ Bucket: testBucket.name, Key: key }));
      expect(head.ContentLength).toBe(12 * MiB);
      expect(head.ContentType).toBe('video/mp4');
      expect(head.Metadata).toEqual({ sceneid: 's1' });
      expect(await unfinishedUploads(key)).toBe(0);
    } finally {
      client.destroy();
    }
  });

  it('uploads one part at a time when partsInFlight is 1', async () => {
    const client = s3ClientFor(stackInfo().s3);
    const concurrency = trackConcurrentParts(client);
    try {
      const key = uniqueKey('serial');
      const { data, body } = source(11 * MiB);
      expect(
        await uploadStream({ client, Bucket: testBucket.name, Key: key, body, partSize, partsInFlight: 1 }),
      ).toEqual({
        bytes: 11 * MiB,
        parts: 3,
      });
      expect(concurrency.max).toBe(1);
      expect(sha256((await stored(key))!)).toBe(sha256(data));
    } finally {
      client.destroy();
    }
  });

  it('aborts the multipart upload and rejects with the stream’s error when the stream fails after some parts', async () => {
    const key = uniqueKey('stream-fails');
    const error = new Error('download broke');
    const { body } = source(20 * MiB, { failAfter: 12 * MiB, error });
    await expect(upload(key, body)).rejects.toBe(error);
    expect(await stored(key)).toBeUndefined();
    expect(await unfinishedUploads(key)).toBe(0);
  });

  it('stops on its signal: rejects with the reason, destroys the stream and aborts the multipart upload', async () => {
    const key = uniqueKey('aborted');
    const { body } = source(40 * MiB);
    const stop = new AbortController();
    const reason = new Error('cancelled');
    let read = 0;
    body.on('data', (c: Buffer) => {
      read += c.length;
      if (read >= 11 * MiB) stop.abort(reason);
    });
    body.pause();
    await expect(upload(key, body, { signal: stop.signal })).rejects.toBe(reason);
    expect(body.destroyed).toBe(true);
    expect(await stored(key)).toBeUndefined();
    expect(await unfinishedUploads(key)).toBe(0);
  });

  it('rejects with S3’s error, status included, and destroys the stream when storage refuses', async () => {
    const { body } = source(12 * MiB);
    const err = await uploadStream({
      client: testBucket.s3,
      Bucket: 'no-such-bucket-for-this-test',
      Key: uniqueKey('no-bucket'),
      body,
      partSize,
      partsInFlight: 2,
    }).catch((e: unknown) => e);
    expect((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(404);
    expect(body.destroyed).toBe(true);
  });

  it('refuses a part size under S3’s minimum', async () => {
    await expect(
      uploadStream({
        client: testBucket.s3,
        Bucket: testBucket.name,
        Key: uniqueKey('x'),
        body: source(1).body,
        partSize: MiB,
        partsInFlight: 1,
      }),
    ).rejects.toThrow(RangeError);
  });
});
