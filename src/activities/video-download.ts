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
  ) {
    super(message);
  }
}

export interface DownloadPolicy {
  /** The sandbox's own origin: the one plain-http loopback origin allowed, and only when the sandbox is enabled. */
  sandboxOrigin?: string;
  maxBytes: number;
  maxRedirects?: number;
  timeoutMs?: number;
}

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
      );
    }
    const length = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
    if (length !== undefined && length > policy.maxBytes) {
      res.destroy();
      throw new VideoDownloadError(`video is ${length} bytes, over the ${policy.maxBytes}-byte limit`, false);
    }
    return { body: res, contentLength: Number.isFinite(length) ? length : undefined, url: url.toString() };
  }
  throw new VideoDownloadError(`more than ${policy.maxRedirects ?? 5} redirects`, false);
}

function get(url: URL, policy: DownloadPolicy, signal?: AbortSignal): Promise<IncomingMessage> {
  const sandbox = policy.sandboxOrigin !== undefined && url.origin === new URL(policy.sandboxOrigin).origin;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      signal,
      lookup: sandbox ? undefined : publicOnlyLookup,
      timeout: policy.timeoutMs ?? 30_000,
      headers: { accept: 'video/mp4,video/*;q=0.9,*/*;q=0.1' },
    });
    req.once('response', resolve);
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
