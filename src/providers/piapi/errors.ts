import { excerpt, type HttpReply } from '../http';
import { at, nonEmptyString } from '../json';
import type { ProviderErrorKind } from '../types';

/** Seedance's documented code for content violations. */
export const moderationErrorCode = 10003;
export const moderationWords = /moderat|content policy|(?<!case[- ])sensitive|violat|nsfw|face detection/i;
const creditWords = /\b(credits?|balance|quota)\b|insufficient (funds|points?|credits?|balance|quota)/i;
const missingTaskWords = /not found|no such task|does not exist/i;

/**
 * Whether an envelope `code` means success: PiAPI's examples say 200, its generated schemas and its own HTTP client
 * treat 0 as success; an envelope without a code is judged by its HTTP status alone.
 */
export function envelopeSucceeded(code: unknown): boolean {
  if (code === undefined) return true;
  const value = typeof code === 'string' && code.trim() !== '' ? Number(code) : code;
  return value === 0 || value === 200;
}

/** Classifies an HTTP status, or the `code` of a 200 envelope, the same way; PiAPI documents neither fully. */
export function piapiErrorKind(code: number, message: string, taskLookup = false): ProviderErrorKind {
  if (code === 401) return 'auth';
  if (code === 402) return 'insufficient_credits';
  if (code === 429) return 'rate_limited';
  if ((code >= 500 && code <= 599) || code === 408 || code === 409) return 'server';
  if (code === 404) return 'not_found';
  if (code === moderationErrorCode || moderationWords.test(message)) return 'content_policy';
  if (creditWords.test(message)) return 'insufficient_credits';
  if (code === 403) return 'auth';
  if (code >= 400 && code <= 499) return taskLookup && missingTaskWords.test(message) ? 'not_found' : 'validation';
  return 'protocol';
}

export function replyMessage(reply: HttpReply): string {
  const body = reply.json;
  return (
    nonEmptyString(at(body, 'message')) ??
    nonEmptyString(at(body, 'error')) ??
    nonEmptyString(at(body, 'error', 'message')) ??
    nonEmptyString(at(body, 'data', 'error', 'message')) ??
    nonEmptyString(at(body, 'data', 'error', 'raw_message')) ??
    (reply.text.trim() === '' ? 'empty body' : excerpt(reply.text))
  );
}
