import { HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createReadStream, writeFileSync } from 'node:fs';
import { createActivities } from '../../src/activities';
import type { UploadToS3Input, UploadToS3Output } from '../../src/contract/activities';
import { uploadPartSize, uploadPartsInFlight } from '../../src/activities/upload/upload-to-s3';
import { openVideoDownload } from '../../src/activities/upload/video-download';
import { defaultCatalogue } from '../../src/config/catalogue';
import { s3ClientFor, type S3Endpoint } from '../../dev/stack/s3-server';
import { statusKb } from './proc';

export type ProbeMode = 'stream' | 'buffered' | 'sdk-file';

export interface ProbeRequest {
  mode: ProbeMode;
  /** The sandbox's output URL (stream, buffered). */
  url: string;
  /** A local copy of the same bytes (sdk-file). */
  file: string;
  sandboxOrigin: string;
  s3: S3Endpoint;
  /** Object key for buffered and sdk-file; the activity derives its own from `taskId`. */
  key: string;
  taskId: string;
}

export interface ProbeResult {
  mode: ProbeMode;
  key: string;
  bytes: number;
  seconds: number;
  baselineRssBytes: number;
  /** VmHWM after the peak was reset to the baseline, so start-up (tsx compiling) does not count. */
  peakRssBytes: number;
  /** The highest `process.memoryUsage().rss` seen every 50 ms, a cross-check on VmHWM. */
  sampledPeakRssBytes: number;
  error?: string;
}

async function transfer(
  req: ProbeRequest,
  s3: ReturnType<typeof s3ClientFor>,
): Promise<{ key: string; bytes: number }> {
  const policy = { sandboxOrigin: req.sandboxOrigin, maxBytes: 16 * 1024 ** 3 };
  switch (req.mode) {
    case 'stream': {
      const { uploadToS3 } = createActivities({
        catalogue: defaultCatalogue,
        providers: {},
        s3,
        storage: { bucket: req.s3.bucket, prefix: 'bench-b3', failureMode: 'fail' },
        download: policy,
      });
      const out = await new MockActivityEnvironment().run<[UploadToS3Input], UploadToS3Output, typeof uploadToS3>(
        uploadToS3,
        {
          provider: 'kling',
          taskId: req.taskId,
          videoUrl: req.url,
          sceneId: 'b3',
          projectId: 'bench',
          sceneType: 'broll',
        },
      );
      return { key: out.s3Key, bytes: out.bytes };
    }
    case 'buffered': {
      // The original design: the whole download in memory, then one PutObject.
      const download = await openVideoDownload(req.url, policy);
      const chunks: Buffer[] = [];
      for await (const chunk of download.body as AsyncIterable<Buffer>) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      chunks.length = 0;
      await s3.send(
        new PutObjectCommand({ Bucket: req.s3.bucket, Key: req.key, Body: body, ContentType: 'video/mp4' }),
      );
      return { key: req.key, bytes: body.length };
    }
    case 'sdk-file': {
      const body = createReadStream(req.file);
      let bytes = 0;
      body.on('data', (c: Buffer | string) => (bytes += c.length));
      await new Upload({
        client: s3,
        // The activity's part size and parts in flight, so the file upload differs from it only in its source (and in
        // lib-storage's chunking, which allocates a new Buffer per part).
        partSize: uploadPartSize,
        queueSize: uploadPartsInFlight,
        params: { Bucket: req.s3.bucket, Key: req.key, Body: body, ContentType: 'video/mp4' },
      }).done();
      return { key: req.key, bytes };
    }
  }
}

/** Child entry of B3: one transfer in a fresh process, so its peak RSS is its own; prints one JSON line. */
async function main(): Promise<void> {
  const req = JSON.parse(process.argv[2] ?? '') as ProbeRequest;
  const s3 = s3ClientFor(req.s3);
  // Loads the SDK's lazily required modules before the baseline is taken.
  await s3.send(new HeadBucketCommand({ Bucket: req.s3.bucket }));
  global.gc?.();
  // Writing 5 resets VmHWM to the current RSS (Linux ≥ 4.0).
  writeFileSync('/proc/self/clear_refs', '5');
  const baselineRssBytes = statusKb('self', 'VmRSS') * 1024;
  let sampledPeakRssBytes = process.memoryUsage.rss();
  const sampler = setInterval(
    () => (sampledPeakRssBytes = Math.max(sampledPeakRssBytes, process.memoryUsage.rss())),
    50,
  );
  const started = performance.now();
  let result: ProbeResult;
  try {
    const { key, bytes } = await transfer(req, s3);
    result = { mode: req.mode, key, bytes, seconds: 0, baselineRssBytes, peakRssBytes: 0, sampledPeakRssBytes: 0 };
  } catch (err) {
    result = {
      mode: req.mode,
      key: req.key,
      bytes: 0,
      seconds: 0,
      baselineRssBytes,
      peakRssBytes: 0,
      sampledPeakRssBytes: 0,
      error: err instanceof Error ? err.message : String(err),
    };
  }
  result.seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  result.peakRssBytes = statusKb('self', 'VmHWM') * 1024;
  result.sampledPeakRssBytes = Math.max(sampledPeakRssBytes, process.memoryUsage.rss());
  s3.destroy();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
