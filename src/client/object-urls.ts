import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface StoredObject {
  bucket: string;
  key: string;
}

/** The bucket and key of a result's `s3Url` (`s3://bucket/key`); undefined for anything else. */
export function storedObjectOf(s3Url: string): StoredObject | undefined {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(s3Url);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

/** SigV4 presigned URLs live at most 7 days (AWS refuses longer); an hour suits a review or a render job. */
export const presignedUrlExpiry = { defaultSec: 3_600, minSec: 1, maxSec: 7 * 24 * 3_600 } as const;

/** Throws a RangeError unless `expiresInSec` is a presigned URL's legal expiry. */
export function checkPresignedExpiry(expiresInSec: number): void {
  if (
    !Number.isInteger(expiresInSec) ||
    expiresInSec < presignedUrlExpiry.minSec ||
    expiresInSec > presignedUrlExpiry.maxSec
  ) {
    throw new RangeError(
      `A presigned URL's expiry must be a whole number of seconds from ${presignedUrlExpiry.minSec} to ${presignedUrlExpiry.maxSec} (7 days, S3's limit); got ${expiresInSec}.`,
    );
  }
}

/**
 * When a URL presigned at or after `signedFromMs` (epoch ms) stops working, at the latest it may be promised: SigV4
 * dates a signature to the whole second (X-Amz-Date), so its expiry can fall up to a second before `signedFromMs +
 * expiresInSec`.
 */
export function presignedUrlExpiresAt(signedFromMs: number, expiresInSec: number): string {
  return new Date((Math.floor(signedFromMs / 1000) + expiresInSec) * 1000).toISOString();
}

/** A GET URL anyone holding it may fetch until it expires; made on request, never stored (it expires). */
export async function presignedGetUrl(s3: S3Client, object: StoredObject, expiresInSec: number): Promise<string> {
  checkPresignedExpiry(expiresInSec);
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: object.bucket, Key: object.key }), {
    expiresIn: expiresInSec,
  });
}

/**
 * The object's plain URL as the SDK addresses it: virtual-hosted style on AWS, path style on a custom endpoint or with
 * S3_FORCE_PATH_STYLE. The presigner runs the client's own endpoint resolution; its signature is dropped, so the URL
 * carries no credential and fetches only where the bucket policy allows.
 */
export async function objectUrl(s3: S3Client, object: StoredObject): Promise<string> {
  const url = new URL(await presignedGetUrl(s3, object, presignedUrlExpiry.minSec));
  url.search = '';
  return url.toString();
}
