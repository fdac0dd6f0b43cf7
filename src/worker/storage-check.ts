import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DependencyProbe, ProbeResult } from './health-server';

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

/** Why HeadBucket failed, named by status and error codes only: messages may quote the request. */
type HeadBucketFailure =
  | { kind: 'missing' }
  | { kind: 'refused'; status: 401 | 403 }
  | { kind: 'no-credentials' }
  | { kind: 'http'; status: number; name: string }
  | { kind: 'unreachable'; reason: string };

/** HeadBucket on `bucket`: undefined when it answered 200, else why not. */
async function headBucket(s3: S3Client, bucket: string, timeoutMs: number): Promise<HeadBucketFailure | undefined> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return undefined;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
    const status = e.$metadata?.httpStatusCode;
    if (status === 404 || e.name === 'NotFound' || e.name === 'NoSuchBucket') return { kind: 'missing' };
    if (status === 401 || status === 403) return { kind: 'refused', status };
    if (e.name === 'CredentialsProviderError') return { kind: 'no-credentials' };
    if (status !== undefined) return { kind: 'http', status, name: e.name };
    const cause = e.code ?? (e.cause as { code?: string } | undefined)?.code ?? e.name;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    return { kind: 'unreachable', reason: timedOut ? `no answer within ${timeoutMs / 1000} s` : cause };
  }
}

const startCheckTimeoutMs = 15_000;

/**
 * HeadBucket before the worker polls: a missing bucket, refused credentials or an unreachable endpoint would otherwise
 * surface only after a clip was generated and paid for, as a scene "generated but not stored". HeadBucket needs
 * s3:ListBucket on the bucket; a worker allowed only to write objects sets S3_STARTUP_CHECK=false.
 */
export async function checkStorage(s3: S3Client, target: StorageTarget): Promise<void> {
  const failure = await headBucket(s3, target.bucket, startCheckTimeoutMs);
  if (failure === undefined) return;
  const where = `S3 bucket "${target.bucket}" at ${target.endpoint ?? `AWS (${target.region})`}`;
  const optOut = 'S3_STARTUP_CHECK=false skips this check';
  switch (failure.kind) {
    case 'missing':
      throw new StorageCheckError(
        `Storage check failed: ${where} does not exist (404); create it or set S3_BUCKET to an existing bucket.`,
      );
    case 'refused':
      throw new StorageCheckError(
        `Storage check failed: ${where} refused this worker's credentials (${failure.status} ${failure.status === 403 ? 'Forbidden' : 'Unauthorized'}); set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or the standard AWS credentials) to keys allowed to list and write the bucket (${optOut}).`,
      );
    case 'no-credentials':
      throw new StorageCheckError(
        `Storage check failed: no S3 credentials for ${where}; set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY or the standard AWS credentials.`,
      );
    case 'http':
      throw new StorageCheckError(
        `Storage check failed: ${where} answered HeadBucket with HTTP ${failure.status} (${failure.name}); check S3_ENDPOINT, S3_REGION and S3_BUCKET (${optOut}).`,
      );
    case 'unreachable':
      throw new StorageCheckError(
        `Storage check failed: ${where} is unreachable (${failure.reason}); start the S3 server or fix S3_ENDPOINT / S3_REGION.`,
      );
  }
}

/** The readiness check's HeadBucket, with the client the activities store clips with (S3_STARTUP_CHECK=false skips it). */
export function storageProbe(s3: S3Client, bucket: string): DependencyProbe {
  return async (timeoutMs) => probeResultOf(await headBucket(s3, bucket, timeoutMs));
}

function probeResultOf(failure: HeadBucketFailure | undefined): ProbeResult {
  switch (failure?.kind) {
    case undefined:
      return { state: 'ok' };
    case 'missing':
      return { state: 'missing', reason: 'HTTP 404' };
    case 'refused':
      return { state: 'forbidden', reason: `HTTP ${failure.status}` };
    case 'no-credentials':
      return { state: 'forbidden', reason: 'no credentials' };
    case 'http':
      return { state: 'error', reason: `HTTP ${failure.status}` };
    case 'unreachable':
      return { state: 'unreachable', reason: failure.reason };
  }
}
