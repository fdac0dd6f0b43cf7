import { AbortMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { activityInfo, ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import { Transform, type TransformCallback } from 'node:stream';
import { failureTypes } from '../../contract/scene-workflow';
import type { AttemptFailureDetails, UploadToS3Input, UploadToS3Output } from '../../contract/activities';
import { objectUrl } from '../../client/object-urls';
import { metricsOf, type ActivityDeps } from '../dependencies';
import { clipMetadata } from './clip-metadata';
import { partSizeFor, uploadStream } from './multipart-upload';
import { openWithFreshUrl } from './fresh-video-url';
import { openVideoDownload, UnsafeVideoUrlError, urlNoLongerServes, VideoDownloadError } from './video-download';

/**
 * Memory per upload: (uploadPartsInFlight + 1) part buffers, allocated once and reused (multipart-upload.ts), so
 * 3 × 6 MiB = 18 MiB of video whatever the file size. On top of that, Node copies every received chunk of the download
 * into a new Buffer (up to 64 KiB) that V8 frees in batches, a young-generation collection once about 32 MiB of them
 * have piled up, plus a few MiB of heap: B3 measures 44–53 MiB peak RSS growth from 64 MiB to 2 GiB videos. 6 MiB parts
 * hold 58 GiB in S3's 10,000 parts; a larger `download.maxBytes` grows the part size, and the memory with it.
 */
export const uploadPartSize = 6 * 1024 * 1024;
export const uploadPartsInFlight = 2;

export function s3KeyFor(
  prefix: string,
  input: Pick<UploadToS3Input, 'projectId' | 'sceneId' | 'provider' | 'taskId'>,
): string {
  const safeTask = input.taskId.replace(/[^A-Za-z0-9._-]/g, '_');
  return [prefix, input.projectId ?? '_', input.sceneId, `${input.provider}-${safeTask}.mp4`].filter(Boolean).join('/');
}

/**
 * Counts bytes as they stream through and enforces the size limit and the announced length. A short body fails the
 * stream before it ends, so the upload never completes and nothing is stored.
 */
class ByteCounter extends Transform {
  bytes = 0;
  /** The download's Content-Length, once known. */
  expectedBytes?: number;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes)
      return done(new VideoDownloadError(`video exceeds the ${this.maxBytes}-byte limit`, false));
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    if (this.expectedBytes !== undefined && this.bytes !== this.expectedBytes)
      return done(new VideoDownloadError(`received ${this.bytes} of ${this.expectedBytes} bytes`, true));
    done();
  }
}

/**
 * Heartbeats on a clock, not per MiB: a slow provider CDN (or a slow part upload holding the stream back) must not
 * look like a lost worker. A stalled download still ends, through its own idle timeout.
 */
const livenessIntervalMs = 5_000;

/**
 * Streams the provider's video into S3 with a multipart upload. The key is deterministic, so a retry overwrites
 * rather than duplicates. A short or failed transfer stores nothing (S3 writes an object only when its PutObject or
 * multipart upload completes), so a failing attempt deletes nothing either: the key may hold the clip of an attempt
 * that outran it.
 */
export function createUploadToS3(deps: ActivityDeps) {
  // Throws here, when the worker starts, if the download limit cannot fit in S3's 10,000 parts.
  const partSize = partSizeFor(deps.download.maxBytes, uploadPartSize);
  const metrics = metricsOf(deps);
  return async function uploadToS3(input: UploadToS3Input): Promise<UploadToS3Output> {
    const counter = new ByteCounter(deps.download.maxBytes);
    const liveness = setInterval(() => heartbeat({ bytes: counter.bytes }), livenessIntervalMs);
    const startedAt = performance.now();
    const took = () => (performance.now() - startedAt) / 1000;
    const { provider } = input;
    let stored: UploadToS3Output;
    try {
      stored = await transfer(deps, input, counter, partSize);
    } catch (err) {
      metrics.record('uploadSeconds', took(), { provider, outcome: 'failed' });
      throw err;
    } finally {
      clearInterval(liveness);
    }
    metrics.record('uploadSeconds', took(), { provider, outcome: 'succeeded' });
    metrics.add('uploadBytes', stored.bytes, { provider });
    return stored;
  };
}

async function transfer(
  deps: ActivityDeps,
  input: UploadToS3Input,
  counter: ByteCounter,
  partSize: number,
): Promise<UploadToS3Output> {
  const ctx = Context.current();
  const key = s3KeyFor(deps.storage.prefix, input);
  let download;
  // The URL the clip is read from: reported back, as the given one may be dead.
  let videoUrl = input.videoUrl;
  try {
    download = await openVideoDownload(input.videoUrl, deps.download, ctx.cancellationSignal);
  } catch (err) {
    if (!urlNoLongerServes(err)) throw downloadFailure(err, input);
    try {
      download = await openWithFreshUrl(deps, input, err, ctx.cancellationSignal);
      videoUrl = download.videoUrl;
    } catch (retry) {
      throw retry instanceof ApplicationFailure ? retry : downloadFailure(retry, input);
    }
  }
  counter.expectedBytes = download.contentLength;
  const body = download.body;
  body.once('error', (err) => counter.destroy(err));
  // A body destroyed with a reason (too slow) also reports 'aborted', first: keep the reason.
  body.once('aborted', () =>
    counter.destroy(
      body.errored instanceof VideoDownloadError
        ? body.errored
        : new VideoDownloadError('video download connection closed early', true),
    ),
  );
  download.body.pipe(counter);

  // Cancellation and a failed download (counter errors) both stop the upload, which aborts what it started.
  const stop = new AbortController();
  const cancel = () => stop.abort(Object.assign(new Error('Upload aborted.'), { name: 'AbortError' }));
  ctx.cancellationSignal.addEventListener('abort', cancel, { once: true });
  counter.once('error', (err) => stop.abort(err));
  try {
    await uploadStream({
      client: deps.s3,
      Bucket: deps.storage.bucket,
      Key: key,
      ContentType: 'video/mp4',
      Metadata: clipMetadata(input),
      body: counter,
      partSize,
      partsInFlight: uploadPartsInFlight,
      signal: stop.signal,
    });
  } catch (err) {
    download.body.destroy();
    if (err instanceof VideoDownloadError || err instanceof UnsafeVideoUrlError) throw downloadFailure(err, input);
    throw ApplicationFailure.create({
      message: `storing ${key} failed: ${(err as Error).message}`,
      type: failureTypes.storageUnavailable,
      details: [{ videoUrl } satisfies AttemptFailureDetails],
      // A missing bucket or denied access will not fix itself by retrying; an outage or throttling might.
      nonRetryable: isPermanentS3Error(err),
    });
  } finally {
    ctx.cancellationSignal.removeEventListener('abort', cancel);
  }

  // No HeadObject to confirm the size: S3 checks every request's length and CRC32, so what it acknowledged is exactly
  // the bytes counted here.
  if (activityInfo().attempt > 1) await abortUnfinishedUploads(deps, key);
  const object = { bucket: deps.storage.bucket, key };
  return {
    s3Key: key,
    s3Url: `s3://${object.bucket}/${key}`,
    objectUrl: await objectUrl(deps.s3, object),
    bytes: counter.bytes,
    videoUrl,
  };
}

function downloadFailure(err: unknown, input: UploadToS3Input): ApplicationFailure {
  if (err instanceof UnsafeVideoUrlError) {
    return ApplicationFailure.create({
      message: `${input.provider}: unsafe video URL refused: ${err.message}`,
      type: failureTypes.unsafeUrl,
      nonRetryable: true,
    });
  }
  const retryable = err instanceof VideoDownloadError ? err.retryable : true;
  return ApplicationFailure.create({
    message: `${input.provider}: ${(err as Error).message}`,
    type: failureTypes.downloadFailed,
    nonRetryable: !retryable,
  });
}

export function isPermanentS3Error(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/**
 * An attempt killed with its worker, or cut off by a storage outage, cannot abort its multipart upload: the parts stay
 * in the bucket, unseen by listings but stored (and billed). The attempt that finally stores the key clears them,
 * after its own upload, when storage is known to be back.
 */
async function abortUnfinishedUploads(deps: ActivityDeps, key: string): Promise<void> {
  const Bucket = deps.storage.bucket;
  try {
    const { Uploads = [] } = await deps.s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: key }));
    for (const upload of Uploads.filter((u) => u.Key === key)) {
      await deps.s3.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: upload.UploadId }));
    }
  } catch {
    // Best effort: the clip is stored; listing uploads may not be allowed to this worker.
  }
}
