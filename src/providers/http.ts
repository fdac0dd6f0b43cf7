import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { httpStatusClass, type HttpStatusClass } from '../contract/metrics';
import { ProviderError, type HttpObserver } from './types';

export interface HttpCall {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** Sent as-is; never copied into errors because they carry the API key. */
  headers: Record<string, string>;
  /**
   * The API key the headers carry, and any secret the body carries (PiAPI's webhook secret): masked wherever the reply
   * echoes them, so no error message can repeat them.
   */
  secret?: string | readonly string[];
  body?: unknown;
  /**
   * Names the call in error messages, metrics and its trace span, e.g. `PiAPI GET /api/v1/task/{id}`: a path template,
   * never a path with an id in it (the metrics keep one series per label), and never a secret.
   */
  label: string;
  /** The URL's path with placeholders for its variable parts, e.g. `/api/v1/task/{id}`: bounded, unlike the path. */
  urlTemplate: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The largest reply body read, in bytes; a longer one fails the call (`defaultMaxReplyBytes` when unset). */
  maxReplyBytes?: number;
  /** Told of every call that went out, once it ended; a call the caller aborted says nothing of the provider. */
  observe?: HttpObserver;
}

export interface HttpReply {
  status: number;
  /** As Node delivers them: lower-case names. */
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body; undefined when the body is empty or not JSON. */
  json: unknown;
}

/** Failures that happen before any byte of the request can have reached the provider. */
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Task replies are a few KiB; 4 MiB leaves room for verbose error pages while keeping a hostile or broken endpoint
 * (an endless body, a video served in place of JSON) from growing one string until the process dies.
 */
export const defaultMaxReplyBytes = 4 * 1024 * 1024;

/**
 * Connections are reused, but dropped after 4 s idle: well before the usual server keep-alive timeouts (5 s in Node,
 * 60 s and more behind nginx or Cloudflare), so a request is not written to a socket the server is closing.
 */
const agentOptions = { keepAlive: true, timeout: 4_000 };
const agents = { 'http:': new HttpAgent(agentOptions), 'https:': new HttpsAgent(agentOptions) };

/** The global tracer provider's, once the worker registers one (src/config/tracing.ts); a no-op until then. */
const tracer = trace.getTracer('scene-video-providers');

/**
 * One JSON call on node:http: a fraction of `fetch`'s CPU per request (no web streams, no per-call AbortSignal
 * composition), which counts at thousands of polls a minute. Traced as a client span inside the active one (the
 * activity's), with the method, the URL template and the status: never the URL itself, its query or the headers.
 */
export async function sendJson(call: HttpCall): Promise<HttpReply> {
  return tracer.startActiveSpan(call.label, { kind: SpanKind.CLIENT }, async (span) => {
    if (span.isRecording()) {
      span.setAttributes({
        'http.request.method': call.method,
        'url.template': call.urlTemplate,
        'server.address': new URL(call.url).hostname,
      });
    }
    try {
      const reply = await send(call);
      endCallSpan(span, reply.status);
      return reply;
    } catch (err) {
      endCallSpan(span, err instanceof ProviderError ? err.httpStatus : undefined, err);
      throw err;
    }
  });
}

/** Error messages here are the ones the activities log: masked of the key already (`maskedBody`, `networkError`). */
function endCallSpan(span: Span, status: number | undefined, err?: unknown): void {
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  if (err !== undefined) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  } else if (status !== undefined && status >= 400) {
    span.setAttribute('error.type', String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

async function send(call: HttpCall): Promise<HttpReply> {
  if (call.signal?.aborted) {
    throw new ProviderError('network', `${call.label}: aborted before sending`, {
      requestSent: false,
      cause: call.signal.reason,
    });
  }
  const { observe } = call;
  if (observe === undefined) return exchange(call, {});
  const startedAt = performance.now();
  const ended = (statusClass: HttpStatusClass) =>
    observe({ endpoint: call.label, statusClass, seconds: (performance.now() - startedAt) / 1000 });
  const outcome: Outcome = {};
  let reply: HttpReply;
  try {
    reply = await exchange(call, outcome);
  } catch (err) {
    if (outcome.failure !== 'aborted')
      ended(outcome.status !== undefined ? httpStatusClass(outcome.status) : (outcome.failure ?? 'network'));
    throw err;
  }
  ended(httpStatusClass(reply.status));
  return reply;
}

/** How an exchange ended, besides its reply: the status of a reply refused for its size, or why it has none. */
interface Outcome {
  status?: number;
  failure?: 'timeout' | 'aborted';
}

async function exchange(call: HttpCall, outcome: Outcome): Promise<HttpReply> {
  const url = new URL(call.url);
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  const headers: Record<string, string> = { Accept: 'application/json', ...call.headers };
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const maxReplyBytes = call.maxReplyBytes ?? defaultMaxReplyBytes;
  return await new Promise<HttpReply>((resolve, reject) => {
    /** Whether the request can have reached the server: a connection was open when the call ended. */
    let connected = false;
    const req = send(url, { method: call.method, headers, agent: agents[url.protocol as keyof typeof agents] });
    const timer = setTimeout(() => {
      outcome.failure = 'timeout';
      req.destroy();
    }, call.timeoutMs);
    const onAbort = () => {
      outcome.failure = 'aborted';
      req.destroy();
    };
    call.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
    };
    req.once('socket', (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    req.once('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let received = 0;
      let oversized = false;
      // Bytes, not characters: the cap bounds memory, and a body can never grow into V8's string-length limit.
      const refuse = (what: string) => {
        oversized = true;
        outcome.status = status;
        settle();
        chunks.length = 0;
        reject(
          new ProviderError(
            'protocol',
            `${call.label}: HTTP ${status} reply ${what}, over the ${maxReplyBytes}-byte limit for a provider reply ` +
              '(PROVIDER_MAX_REPLY_BYTES); the rest was not read: check that the base URL points at the API',
            { httpStatus: status, requestSent: true },
          ),
        );
        req.destroy();
      };
      const announced = Number(res.headers['content-length']);
      if (Number.isFinite(announced) && announced > maxReplyBytes) return refuse(`announces ${announced} bytes`);
      res.on('data', (chunk: Buffer) => {
        if (oversized) return;
        received += chunk.length;
        if (received > maxReplyBytes) return refuse(`exceeds ${maxReplyBytes} bytes`);
        chunks.push(chunk);
      });
      res.once('end', () => {
        if (oversized) return;
        settle();
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        resolve({ status, headers: res.headers, ...maskedBody(body.toString('utf8'), call.secret) });
      });
      // A reply cut off (reset, timeout, abort) closes without ending; the promise settles once, whichever comes first.
      res.once('close', () => {
        if (res.complete || oversized) return;
        settle();
        reject(
          networkError(call, new Error('the connection closed before the reply was complete'), outcome.failure, true),
        );
      });
    });
    req.once('error', (err) => {
      settle();
      reject(networkError(call, err, outcome.failure, connected));
    });
    req.end(payload);
  });
}

function networkError(
  call: HttpCall,
  err: unknown,
  failure: 'timeout' | 'aborted' | undefined,
  connected: boolean,
): ProviderError {
  if (failure === 'aborted') {
    return new ProviderError('network', `${call.label}: aborted by the caller`, { requestSent: true, cause: err });
  }
  if (failure === 'timeout') {
    return new ProviderError(
      'network',
      connected
        ? `${call.label}: no complete response within ${call.timeoutMs} ms`
        : `${call.label}: could not connect within ${call.timeoutMs} ms`,
      { requestSent: connected, cause: err },
    );
  }
  const code = errorCode(err);
  const detail = errorDetail(err, code);
  return new ProviderError('network', `${call.label}: ${detail}`, {
    // Anything not known to fail before sending is ambiguous, and ambiguous must count as sent.
    requestSent: code === undefined || !notSentCodes.has(code),
    cause: err,
  });
}

function errorCode(err: unknown): string | undefined {
  const direct = codeOf(err);
  if (direct !== undefined) return direct;
  // Happy-eyeballs connects report one error per address inside an AggregateError.
  return err instanceof AggregateError ? err.errors.map(codeOf).find((c) => c !== undefined) : undefined;
}

function codeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('code' in value)) return undefined;
  return typeof value.code === 'string' ? value.code : undefined;
}

function errorDetail(err: unknown, code: string | undefined): string {
  const message = err instanceof Error ? err.message : String(err);
  if (message !== '') return message;
  return code ?? (err instanceof Error ? err.name : 'request failed');
}

type Secrets = HttpCall['secret'];

function mask(text: string, secrets: Secrets): string {
  const all = typeof secrets === 'string' ? [secrets] : (secrets ?? []);
  return all.reduce((masked, secret) => (secret ? masked.replace(secretPattern(secret), '[redacted]') : masked), text);
}

const patterns = new Map<string, RegExp>();

/**
 * The secret in any of the forms a reply may echo it in, character by character and mixed: literal; \uXXXX escaped
 * once or more (a JSON string inside JSON, or a non-JSON body quoting escapes); preceded by escaping backslashes (`\/`);
 * percent-encoded once or more (`%73`, `%2573`, UTF-8 byte by byte); or as an HTML character reference.
 */
function secretPattern(secret: string): RegExp {
  let pattern = patterns.get(secret);
  if (!pattern) {
    const hex = (n: number, digits: number) =>
      [...n.toString(16).padStart(digits, '0')].map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d)).join('');
    const forms = [...secret].map((c) => {
      const code = c.codePointAt(0)!;
      const alternatives = [`\\\\*${c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}`];
      if (code < 0x10000) alternatives.push(`\\\\+[uU]${hex(code, 4)}`);
      const bytes = [...Buffer.from(c, 'utf8')].map((b) => `%(?:25)*${hex(b, 2)}`).join('');
      alternatives.push(bytes, `&#0*${code};`, `&#[xX]0*${hex(code, 1)};`);
      return `(?:${alternatives.join('|')})`;
    });
    pattern = new RegExp(forms.join(''), 'g');
    if (patterns.size > 16) patterns.clear();
    patterns.set(secret, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

/**
 * The reply's text and parsed body with the secret masked in both. Masking the raw text is not enough: a reply can
 * echo the key JSON-escaped (`\u0073k-…`, `\/`), which passes the mask and which parsing decodes back into the plain
 * key. So the parsed body is masked string by string (keys too), and when a decoded string held the key, the text is
 * the masked body re-serialized (its escaped form would still be the key to anyone who reads it).
 */
function maskedBody(raw: string, secret: Secrets): Pick<HttpReply, 'text' | 'json'> {
  const parsed = parseJson(raw);
  if (!secret || secret.length === 0) return { text: raw, json: parsed };
  const masked = maskStrings(parsed, secret);
  if (masked.changed) return { text: JSON.stringify(masked.value), json: masked.value };
  return { text: mask(raw, secret), json: parsed };
}

function maskStrings(value: unknown, secret: Secrets): { value: unknown; changed: boolean } {
  if (typeof value === 'string') {
    const masked = mask(value, secret);
    return { value: masked, changed: masked !== value };
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => maskStrings(v, secret));
    return { value: items.map((i) => i.value), changed: items.some((i) => i.changed) };
  }
  if (typeof value === 'object' && value !== null) {
    let changed = false;
    const entries = Object.entries(value).map(([k, v]) => {
      const key = mask(k, secret);
      const item = maskStrings(v, secret);
      changed ||= key !== k || item.changed;
      return [key, item.value] as const;
    });
    return { value: Object.fromEntries(entries), changed };
  }
  return { value, changed: false };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `retry-after-ms` (as the Runway SDK honours it) wins over `Retry-After` in seconds or as an HTTP-date. */
export function retryAfterMs(headers: IncomingHttpHeaders, nowMs = Date.now()): number | undefined {
  const ms = single(headers['retry-after-ms'])?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.round(Number(ms));
  const value = single(headers['retry-after'])?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A short, single-line excerpt of a body for error messages (bodies can be whole HTML error pages). */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
