import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTool } from '../../dev/stack/provision';
import { s3ClientFor, startS3Server, type S3Server } from '../../dev/stack/s3-server';

describe('the S3 server restarted on the same data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3-restart-'));
  const started: S3Server[] = [];
  const start = async (dataDir: string) => {
    const server = await startS3Server({
      binary: await resolveTool('versitygw', () => undefined),
      dataDir,
      bucket: 'restart',
      logDir: dir,
    });
    started.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its root credentials, so a client made before the restart still works', async () => {
    const first = await start(join(dir, 'a'));
    const s3 = s3ClientFor(first);
    try {
      await s3.send(new PutObjectCommand({ Bucket: first.bucket, Key: 'before.txt', Body: 'before' }));
      await first.stop();

      const second = await first.startAgain();
      started.push(second);
      // The client built from the first start's endpoint and credentials, not a new one.
      const got = await s3.send(new GetObjectCommand({ Bucket: first.bucket, Key: 'before.txt' }));
      expect(await got.Body!.transformToString()).toBe('before');
      await s3.send(new PutObjectCommand({ Bucket: first.bucket, Key: 'after.txt', Body: 'after' }));
      expect(second.endpoint).toBe(first.endpoint);
      expect({ id: second.accessKeyId, secret: second.secretAccessKey }).toEqual({
        id: first.accessKeyId,
        secret: first.secretAccessKey,
      });
    } finally {
      s3.destroy();
    }
    expect(statSync(join(first.dataDir, 'credentials.json')).mode & 0o777).toBe(0o600);
  });

  it('gives a fresh data directory credentials of its own', async () => {
    const [a, b] = await Promise.all([start(join(dir, 'b')), start(join(dir, 'c'))]);
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
    expect(a.secretAccessKey).not.toBe(b.secretAccessKey);
  });
});
