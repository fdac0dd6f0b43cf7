import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from './address-safety';

export class UnsafeVideoUrlError extends Error {
  override readonly name = 'UnsafeVideoUrlError';
}

export class VideoDownloadError extends Error {
  override readonly name = 'VideoDownloadError';
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The status of a download answered with something other than the video. */
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/** Answers meaning this URL no longer serves the clip (expired signature, dropped file), not that the clip is gone. */
export function urlNoLongerServes(err: unknown): err is VideoDownloadError {
  return err instanceof VideoDownloadError && [403, 404, 410].includes(err.httpStatus ?? 0);
}

export interface DownloadPolicy {
  /** The sandbox's own origin: the one plain-http loopback origin allowed, and only when the sandbox is enabled. */
  sandboxOrigin?: string;
  maxBytes: number;
  maxRedirects?: number;
  /** Socket idle timeout, and the longest wait for a reply's headers. */
  timeoutMs?: number;
  /**
   * A download slower than this on average over `throughputWindowMs` fails (retryably): a CDN trickling one byte every
   * few seconds never trips the idle timeout. Time the reader holds the download back (a slow S3 part) does not count.
   * 0 turns the check off.
   */
  minBytesPerSec?: number;
  throughputWindowMs?: number;
}

export const defaultMinBytesPerSec = 16 * 1024;
export const defaultThroughputWindowMs = 60_000;

export interface VideoDownload {
  body: IncomingMessage;
  contentLength?: number;
  url: string;
}

/** Resolves like dns.lookup but refuses any private, loopback or link-local answer, at connect time (no DNS rebinding). */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const unsafe = addresses.find((a) => !isPublicAddress(a.address));
    if (unsafe) {
      return callback(new UnsafeVideoUrlError(`${hostname} resolves to non-public address ${unsafe.address}`), '', 0);
    }
    if ((options as { all?: boolean }).all)
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
};

export function checkVideoUrl(raw: string, policy: Pick<DownloadPolicy, 'sandboxOrigin'>): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeVideoUrlError(`not a URL: ${raw.slice(0, 200)}`);
  }
  if (policy.sandboxOrigin !== undefined && url.origin === new URL(policy.sandboxOrigin).origin) return url;
  if (url.protocol !== 'https:')
    throw new UnsafeVideoUrlError(`only https video URLs are accepted, got ${url.protocol}//${url.host}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !isPublicAddress(host))
    throw new UnsafeVideoUrlError(`video URL points at non-public address ${host}`);
  if (host === 'localhost' || host.endsWith('.localhost')) throw new UnsafeVideoUrlError(`video URL points at ${host}`);
  return url;
}

/** Opens a provider's video for streaming, following redirects only to URLs that pass the same checks. */
export async function openVideoDownload(
  rawUrl: string,
  policy: DownloadPolicy,
  signal?: AbortSignal,
): Promise<VideoDownload> {
  let url = checkVideoUrl(rawUrl, policy);
  for (let hop = 0; hop <= (policy.maxRedirects ?? 5); hop++) {
    const res = await get(url, policy, signal);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      url = checkVideoUrl(new URL(res.headers.location, url).toString(), policy);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new VideoDownloadError(
        `video download answered HTTP ${status}`,
        status >= 500 || status === 429 || status === 408,
        status,
      );
    }
    const length = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
    if (length !== undefined && length > policy.maxBytes) {
      res.destroy();
      throw new VideoDownloadError(`video is ${length} bytes, over the ${policy.maxBytes}-byte limit`, false);
    }
    watchThroughput(res, policy);
    return { body: res, contentLength: Number.isFinite(length) ? length : undefined, url: url.toString() };
  }
  throw new VideoDownloadError(`more than ${policy.maxRedirects ?? 5} redirects`, false);
}

/**
 * Destroys the body with a retryable VideoDownloadError once it has averaged under `minBytesPerSec` over the last
 * window while flowing. Counts socket bytes, so watching never puts the body into flowing mode itself.
 */
function watchThroughput(body: IncomingMessage, policy: DownloadPolicy): void {
  const minBytesPerSec = policy.minBytesPerSec ?? defaultMinBytesPerSec;
  const windowMs = policy.throughputWindowMs ?? defaultThroughputWindowMs;
  const socket = body.socket;
  if (minBytesPerSec <= 0 || !socket) return;
  const tickMs = Math.min(1_000, Math.max(50, windowMs / 4));
  /** Samples (time, bytes read) since the reader last held the download back, oldest first. */
  let samples: { at: number; bytes: number }[] = [{ at: Date.now(), bytes: socket.bytesRead }];
  const timer = setInterval(() => {
    const now = { at: Date.now(), bytes: socket.bytesRead };
    if (body.isPaused()) {
      samples = [now];
      return;
    }
    samples.push(now);
    let from = 0;
    while (from + 1 < samples.length && now.at - samples[from + 1]!.at >= windowMs) from++;
    samples.splice(0, from);
    const first = samples[0]!;
    const elapsedMs = now.at - first.at;
    if (elapsedMs < windowMs) return;
    const bytes = now.bytes - first.bytes;
    if ((bytes * 1000) / elapsedMs >= minBytesPerSec) return;
    clearInterval(timer);
    body.destroy(
      new VideoDownloadError(
        `video download too slow: ${bytes} bytes in ${(elapsedMs / 1000).toFixed(0)} s, under the minimum of ` +
          `${minBytesPerSec} bytes/s (DOWNLOAD_MIN_BYTES_PER_SEC over DOWNLOAD_THROUGHPUT_WINDOW_SEC)`,
        true,
      ),
    );
  }, tickMs);
  timer.unref();
  body.once('close', () => clearInterval(timer));
}

function get(url: URL, policy: DownloadPolicy, signal?: AbortSignal): Promise<IncomingMessage> {
  const sandbox = policy.sandboxOrigin !== undefined && url.origin === new URL(policy.sandboxOrigin).origin;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeoutMs = policy.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      signal,
      lookup: sandbox ? undefined : publicOnlyLookup,
      timeout: timeoutMs,
      headers: { accept: 'video/mp4,video/*;q=0.9,*/*;q=0.1' },
    });
    // The idle timeout restarts with every byte: headers trickled a byte at a time would never end without this.
    const headersDeadline = setTimeout(
      () => req.destroy(new VideoDownloadError(`video download sent no complete headers within ${timeoutMs} ms`, true)),
      timeoutMs,
    );
    req.once('close', () => clearTimeout(headersDeadline));
    req.once('response', (res) => {
      clearTimeout(headersDeadline);
      resolve(res);
    });
    req.once('timeout', () => req.destroy(new VideoDownloadError('video download timed out waiting for data', true)));
    req.once('error', (err) =>
      reject(
        err instanceof UnsafeVideoUrlError || err instanceof VideoDownloadError
          ? err
          : new VideoDownloadError(`video download failed: ${err.message}`, true),
      ),
    );
    req.end();
  });
}
