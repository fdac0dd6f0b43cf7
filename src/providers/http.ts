import { ProviderError } from './types';

export interface HttpCall {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** Sent as-is; never copied into errors because they carry the API key. */
  headers: Record<string, string>;
  /** The API key the headers carry: masked wherever the reply echoes it, so no error message can repeat it. */
  secret?: string;
  body?: unknown;
  /** Names the call in error messages, e.g. `PiAPI GET /api/v1/task/{id}`; must not contain secrets. */
  label: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpReply {
  status: number;
  headers: Headers;
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
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export async function sendJson(call: HttpCall): Promise<HttpReply> {
  if (call.signal?.aborted) {
    throw new ProviderError('network', `${call.label}: aborted before sending`, {
      requestSent: false,
      cause: call.signal.reason,
    });
  }
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
  const headers: Record<string, string> = { Accept: 'application/json', ...call.headers };
  if (call.body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    const response = await fetch(call.url, {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal,
    });
    const text = mask(await response.text(), call.secret);
    return { status: response.status, headers: response.headers, text, json: parseJson(text) };
  } catch (err) {
    throw networkError(call, err, timeout);
  }
}

function networkError(call: HttpCall, err: unknown, timeout: AbortSignal): ProviderError {
  if (call.signal?.aborted) {
    return new ProviderError('network', `${call.label}: aborted by the caller`, { requestSent: true, cause: err });
  }
  if (timeout.aborted) {
    return new ProviderError('network', `${call.label}: no complete response within ${call.timeoutMs} ms`, {
      requestSent: true,
      cause: err,
    });
  }
  const code = errorCode(err);
  const detail = errorDetail(err);
  return new ProviderError('network', `${call.label}: ${detail}`, {
    // Anything not known to fail before sending is ambiguous, and ambiguous must count as sent.
    requestSent: code === undefined || !notSentCodes.has(code),
    cause: err,
  });
}

function errorCode(err: unknown): string | undefined {
  const cause = err instanceof Error ? err.cause : undefined;
  const direct = codeOf(cause) ?? codeOf(err);
  if (direct !== undefined) return direct;
  // Happy-eyeballs connects report one error per address inside an AggregateError.
  return cause instanceof AggregateError ? cause.errors.map(codeOf).find((c) => c !== undefined) : undefined;
}

function codeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('code' in value)) return undefined;
  return typeof value.code === 'string' ? value.code : undefined;
}

function errorDetail(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error && cause.message !== '') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

function mask(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('[redacted]') : text;
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
export function retryAfterMs(headers: Headers, nowMs = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.round(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** A short, single-line excerpt of a body for error messages (bodies can be whole HTML error pages). */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
