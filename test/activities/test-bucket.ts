import { GetObjectCommand, ListMultipartUploadsCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { s3ClientFor } from '../../dev/stack/s3-server';
import { stackInfo } from '../helpers/stack-info';

export const MiB = 1024 * 1024;

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The test stack's bucket for this file: a client, and what a test checks was (or was not) left in it. */
export function useTestBucket() {
  const bucket = { s3: undefined as unknown as S3Client, name: '' };
  beforeAll(() => {
    bucket.s3 = s3ClientFor(stackInfo().s3);
    bucket.name = stackInfo().s3.bucket;
  });
  afterAll(() => bucket.s3?.destroy());

  return {
    get s3() {
      return bucket.s3;
    },
    get name() {
      return bucket.name;
    },
    async stored(key: string): Promise<Buffer | undefined> {
      try {
        const res = await bucket.s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
        return Buffer.from(await res.Body!.transformToByteArray());
      } catch (err) {
        if (err instanceof NoSuchKey) return undefined;
        throw err;
      }
    },
    async unfinishedUploads(key: string): Promise<number> {
      const { Uploads = [] } = await bucket.s3.send(
        new ListMultipartUploadsCommand({ Bucket: bucket.name, Prefix: key }),
      );
      return Uploads.filter((u) => u.Key === key).length;
    },
  };
}
