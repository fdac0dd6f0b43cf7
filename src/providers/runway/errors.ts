import { excerpt, retryAfterMs, type HttpReply } from '../http';
import { at, nonEmptyString } from '../json';
import { ProviderError, type ProviderErrorKind } from '../types';

/**
 * `creating`: the reply answers a task creation, where a 429 is documented as the maximum-daily-generations cap (Runway
 * has no requests-per-minute limit), which lifts only as its rolling 24-hour window moves on.
 */
export function runwayErrorKind(status: number, message: string, creating = false): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429) return creating ? 'quota_exhausted' : 'rate_limited';
  if (status >= 500 || status === 408 || status === 409) return 'server';
  if (status >= 400) {
    if (/enough credits/i.test(message)) return 'insufficient_credits';
    if (/\bSAFETY\b|moderat|content polic/i.test(message)) return 'content_policy';
    return 'validation';
  }
  return 'protocol';
}

function replyMessage(reply: HttpReply): string {
  const error = nonEmptyString(at(reply.json, 'error')) ?? nonEmptyString(at(reply.json, 'message'));
  if (!error) return reply.text.trim() === '' ? 'empty body' : excerpt(reply.text);
  const issues = at(reply.json, 'issues');
  if (!Array.isArray(issues) || issues.length === 0) return error;
  const details = issues.map((issue) => {
    const path = at(issue, 'path');
    const where = Array.isArray(path) && path.length > 0 ? `${path.join('.')}: ` : '';
    return `${where}${nonEmptyString(at(issue, 'message')) ?? 'invalid'}`;
  });
  return `${error}: ${details.join('; ')}`;
}

export function httpError(label: string, reply: HttpReply, creating = false): ProviderError {
  const message = replyMessage(reply);
  const kind = runwayErrorKind(reply.status, message, creating);
  const unavailableModel = reply.status === 403 && /model variant .* is not available/i.test(message);
  let text = unavailableModel ? `model unavailable to this account: ${message}` : message;
  if (kind === 'quota_exhausted')
    text += ` (Runway's maximum daily generations for this model, a rolling 24-hour window: not retried; the next provider renders, or raise the tier's limit)`;
  return new ProviderError(kind, `${label}: HTTP ${reply.status}: ${text}`, {
    httpStatus: reply.status,
    retryAfterMs: retryAfterMs(reply.headers),
  });
}
