import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';

const MiB = 1024 * 1024;
/** S3's limits: every part but the last is at least 5 MiB and at most 5 GiB; an upload has at most 10,000 parts. */
export const minPartSize = 5 * MiB;
export const maxPartSize = 5 * 1024 * MiB;
export const maxParts = 10_000;

/**
 * The part size for a stream of at most `maxBytes`: `preferred`, or larger (in whole MiB) when `maxBytes` would not
 * fit in 10,000 parts of it. Throws when no legal part size can hold `maxBytes`.
 */
export function partSizeFor(maxBytes: number, preferred: number): number {
  const needed = Math.ceil(Math.ceil(maxBytes / maxParts) / MiB) * MiB;
  const size = Math.max(preferred, minPartSize, needed);
  if (size > maxPartSize)
    throw new RangeError(`${maxBytes} bytes do not fit in ${maxParts} parts of at most ${maxPartSize} bytes`);
  return size;
}

export interface StreamUploadOptions {
  client: S3Client;
  Bucket: string;
  Key: string;
  ContentType?: string;
  Metadata?: Record<string, string>;
  /** Read to its end; destroyed when the upload stops early. */
  body: Readable;
  /** Bytes per part (the last part may be smaller); at least 5 MiB. */
  partSize: number;
  /** Parts uploading at once. */
  partsInFlight: number;
  /** Stops the upload: reading ends, the requests in flight finish, the multipart upload is aborted. */
  signal?: AbortSignal;
}

export interface StreamUploadResult {
  bytes: number;
  /** 0 when the stream fitted in one part and went up as a single PutObject. */
  parts: number;
}

/**
 * Streams `body` into one S3 object through a fixed pool of `partsInFlight + 1` part buffers of `partSize` bytes,
 * allocated on first use and reused: one fills from the stream while the others upload, and reading pauses while
 * every buffer is busy. Every byte is copied once, into a part buffer or into the body of the single PutObject, so the
 * bodies it holds never exceed (partsInFlight + 1) × partSize bytes whatever the stream's length.
 *
 * A stream that fits in one part never takes a part buffer: its chunks are kept as they arrived and stored with a
 * single PutObject (an empty stream as an empty object). On any failure, or when `signal` aborts, reading stops, the
 * requests in flight are let finish (S3 may complete a request whose client has gone, so cutting one off proves
 * nothing), the multipart upload is aborted, and the promise rejects with the first error (the signal's reason, when
 * it is an Error).
 */
export async function uploadStream(opts: StreamUploadOptions): Promise<StreamUploadResult> {
  const { client, Bucket, Key, partSize, partsInFlight } = opts;
  if (!Number.isInteger(partSize) || partSize < minPartSize || partSize > maxPartSize)
    throw new RangeError(`part size ${partSize} is outside S3's ${minPartSize}–${maxPartSize} bytes`);
  if (!Number.isInteger(partsInFlight) || partsInFlight < 1)
    throw new RangeError(`parts in flight must be a positive integer, got ${partsInFlight}`);

  const checksum =
    (await client.config.requestChecksumCalculation()) === 'WHEN_SUPPORTED' ? ChecksumAlgorithm.CRC32 : undefined;
  const stopping = new AbortController();
  const stop = () => stopping.abort();
  opts.signal?.addEventListener('abort', stop, { once: true });

  const pool = new PartPool(partSize, partsInFlight + 1);
  const inFlight = new Set<Promise<void>>();
  const completed: CompletedPart[] = [];
  let uploadId: string | undefined;
  let partNumber = 0;
  let failure: unknown;
  // The first failure stops everything; later errors (of the stream destroyed because of it, say) are not news.
  const fail = (err: unknown) => {
    if (stopping.signal.aborted) return;
    failure = err;
    stopping.abort();
  };
  const throwIfStopped = () => {
    if (failure !== undefined) throw failure;
    if (opts.signal?.aborted) throw abortReason(opts.signal);
  };

  const sendPart = (buffer: Buffer, length: number) => {
    partNumber += 1;
    if (partNumber > maxParts)
      throw new RangeError(`${Key} needs more than ${maxParts} parts of ${partSize} bytes (S3's limit)`);
    const PartNumber = partNumber;
    const upload = client
      .send(
        new UploadPartCommand({
          Bucket,
          Key,
          UploadId: uploadId,
          PartNumber,
          Body: buffer.subarray(0, length),
          ContentLength: length,
          ChecksumAlgorithm: checksum,
        }),
      )
      .then((res) => {
        if (!res.ETag) throw new Error(`S3 answered part ${PartNumber} of ${Key} without an ETag`);
        completed.push({
          PartNumber,
          ETag: res.ETag,
          ChecksumCRC32: res.ChecksumCRC32,
          ChecksumCRC32C: res.ChecksumCRC32C,
          ChecksumCRC64NVME: res.ChecksumCRC64NVME,
          ChecksumSHA1: res.ChecksumSHA1,
          ChecksumSHA256: res.ChecksumSHA256,
        });
        // Only now is the request done with the bytes: the buffer may be refilled.
        pool.release(buffer);
      })
      .catch(fail)
      .finally(() => inFlight.delete(upload));
    inFlight.add(upload);
  };

  // A stalled stream must not hold up the clean-up: stopping destroys it, which ends the loop below.
  stopping.signal.addEventListener('abort', () => opts.body.destroy(), { once: true });
  let bytes = 0;
  // The stream's first chunks, kept as they came until they outgrow one part: most videos fit in one, and a part
  // buffer allocated for a few hundred KiB would churn megabytes per upload through the garbage collector.
  let head: Buffer[] | undefined = [];
  let headBytes = 0;
  let current: Buffer | undefined;
  let filled = 0;
  try {
    throwIfStopped();
    for await (const chunk of opts.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (head) {
        if (headBytes + chunk.length <= partSize) {
          head.push(chunk);
          headBytes += chunk.length;
          continue;
        }
        current = pool.acquire();
        for (const part of head) {
          current.set(part, filled);
          filled += part.length;
        }
        head = undefined;
      }
      for (let at = 0; at < chunk.length;) {
        // A full buffer goes up only once a further byte arrives, so the last part is never empty.
        if (current && filled === partSize) {
          if (uploadId === undefined) {
            // No request is cut off client-side: S3 may finish one whose client has gone (an upload with no id to abort
            // it by, a part that lands after the abort and revives the upload, an object stored after all). A stop
            // waits for them instead; each carries at most one part.
            const created = await client.send(
              new CreateMultipartUploadCommand({
                Bucket,
                Key,
                ContentType: opts.ContentType,
                Metadata: opts.Metadata,
                ChecksumAlgorithm: checksum,
              }),
            );
            uploadId = created.UploadId;
            if (!uploadId) throw new Error(`S3 answered CreateMultipartUpload for ${Key} without an UploadId`);
          }
          while (inFlight.size >= partsInFlight) await Promise.race(inFlight);
          throwIfStopped();
          sendPart(current, filled);
          current = undefined;
        }
        if (!current) {
          current = pool.acquire();
          filled = 0;
        }
        const n = Math.min(partSize - filled, chunk.length - at);
        current.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
      }
    }
    throwIfStopped();

    if (head) {
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key,
          ContentType: opts.ContentType,
          Metadata: opts.Metadata,
          Body: Buffer.concat(head, headBytes),
          ContentLength: headBytes,
          ChecksumAlgorithm: checksum,
        }),
      );
      return { bytes, parts: 0 };
    }
    while (inFlight.size >= partsInFlight) await Promise.race(inFlight);
    throwIfStopped();
    sendPart(current!, filled);
    while (inFlight.size > 0) await Promise.race(inFlight);
    throwIfStopped();
    completed.sort((a, b) => a.PartNumber! - b.PartNumber!);
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId: uploadId, MultipartUpload: { Parts: completed } }),
    );
    return { bytes, parts: completed.length };
  } catch (err) {
    const cause = failure ?? (opts.signal?.aborted ? abortReason(opts.signal) : err);
    stopping.abort();
    // Parts still uploading when the upload is aborted could outlive the abort; let them settle first.
    await Promise.allSettled([...inFlight]);
    if (uploadId !== undefined) {
      await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: uploadId })).catch(() => undefined);
    }
    throw cause;
  } finally {
    opts.signal?.removeEventListener('abort', stop);
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : Object.assign(new Error('upload aborted'), { name: 'AbortError' });
}

/** At most `capacity` buffers of `size` bytes, allocated when first needed and handed out again once released. */
class PartPool {
  private readonly free: Buffer[] = [];
  private allocated = 0;

  constructor(
    private readonly size: number,
    private readonly capacity: number,
  ) {}

  acquire(): Buffer {
    const buffer = this.free.pop();
    if (buffer) return buffer;
    if (this.allocated >= this.capacity) throw new Error('part buffer pool exhausted');
    this.allocated += 1;
    // Outside Node's shared pool and never zero-filled: every byte sent has been written from the stream first.
    return Buffer.allocUnsafeSlow(this.size);
  }

  release(buffer: Buffer): void {
    this.free.push(buffer);
  }
}
