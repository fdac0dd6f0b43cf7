import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';

/** What the worker start check needs to know about its storage; no credentials (they stay in the client). */
export interface StorageTarget {
  bucket: string;
  /** `S3_ENDPOINT`, or undefined for AWS itself. */
  endpoint?: string;
  region: string;
}

/** The storage check at worker start failed: `message` is one line saying what is wrong and what to set. */
export class StorageCheckError extends Error {
  override name = 'StorageCheckError';
}

const checkTimeoutMs = 15_000;

/**
 * HeadBucket before the worker polls: a missing bucket, refused credentials or an unreachable endpoint would otherwise
 * surface only after a clip was generated and paid for, as a scene "generated but not stored". HeadBucket needs
 * s3:ListBucket on the bucket; a worker allowed only to write objects sets S3_STARTUP_CHECK=false.
 */
export async function checkStorage(s3: S3Client, target: StorageTarget): Promise<void> {
  const where = `S3 bucket "${target.bucket}" at ${target.endpoint ?? `AWS (${target.region})`}`;
  const optOut = 'S3_STARTUP_CHECK=false skips this check';
  try {
    await s3.send(new HeadBucketCommand({ Bucket: target.bucket }), {
      abortSignal: AbortSignal.timeout(checkTimeoutMs),
    });
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number }; code?: string; Code?: string };
    const status = e.$metadata?.httpStatusCode;
    if (status === 404 || e.name === 'NotFound' || e.name === 'NoSuchBucket')
      throw new StorageCheckError(
        `Storage check failed: ${where} does not exist (404); create it or set S3_BUCKET to an existing bucket.`,
      );
    if (status === 401 || status === 403)
      throw new StorageCheckError(
        `Storage check failed: ${where} refused this worker's credentials (${status} ${status === 403 ? 'Forbidden' : 'Unauthorized'}); set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or the standard AWS credentials) to keys allowed to list and write the bucket (${optOut}).`,
      );
    if (e.name === 'CredentialsProviderError')
      throw new StorageCheckError(
        `Storage check failed: no S3 credentials for ${where}; set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY or the standard AWS credentials.`,
      );
    if (status !== undefined)
      throw new StorageCheckError(
        `Storage check failed: ${where} answered HeadBucket with HTTP ${status} (${e.name}); check S3_ENDPOINT, S3_REGION and S3_BUCKET (${optOut}).`,
      );
    const cause = e.code ?? (e.cause as { code?: string } | undefined)?.code ?? e.name;
    const reason =
      e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${checkTimeoutMs / 1000} s` : cause;
    throw new StorageCheckError(
      `Storage check failed: ${where} is unreachable (${reason}); start the S3 server or fix S3_ENDPOINT / S3_REGION.`,
    );
  }
}
