import type { AspectRatio } from '../contract/catalogue';
import { ProviderError } from './types';

/** A request the provider would reject; raised before anything is sent. */
export function invalidRequest(message: string): ProviderError {
  return new ProviderError('validation', message, { requestSent: false });
}

/**
 * The duration as decided before the request (domain `fitDuration` over the catalogue's list, a narrowing of the
 * model's): the adapter sends it or refuses it, and never fits it again on a list of its own.
 */
export function checkDuration(label: string, durationSec: number, allowedSec: readonly number[]): number {
  if (!Number.isFinite(durationSec) || durationSec <= 0) {
    throw invalidRequest(`duration must be a positive number of seconds, got ${durationSec}`);
  }
  if (!allowedSec.includes(durationSec)) {
    throw invalidRequest(`${label} cannot render ${durationSec} s (allowed: ${allowedSec.join(', ')} s)`);
  }
  return durationSec;
}

/** Refuses ratios the model cannot render; the value sent for one is the model's fact (`aspectValue`). */
export function checkAspect(label: string, aspect: AspectRatio, supported: readonly AspectRatio[]): void {
  if (!supported.includes(aspect)) {
    throw invalidRequest(`${label} cannot render aspect ratio ${aspect} (supported: ${supported.join(', ')})`);
  }
}

/** Refuses a prompt over the model's limit, counted in UTF-16 code units as the APIs count it (String#length). */
export function checkPrompt(label: string, prompt: string | undefined, maxChars: number | undefined): void {
  if (prompt !== undefined && maxChars !== undefined && prompt.length > maxChars) {
    throw invalidRequest(`${label} is ${prompt.length} characters; the limit is ${maxChars}`);
  }
}

/** Drops absent members so a built body equals exactly what goes over the wire. */
export function definedOnly(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
