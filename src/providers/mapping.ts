import { fitDuration } from '../domain/duration';
import { ProviderError, type GenerationRequest } from './types';

export type AspectRatio = GenerationRequest['aspectRatio'];

/** A request the provider would reject; raised before anything is sent. */
export function invalidRequest(message: string): ProviderError {
  return new ProviderError('validation', message, { requestSent: false });
}

/** `fitDuration`, refusing a duration no provider could take before anything is sent. */
export function pickDuration(requestedSec: number, allowedSec: readonly number[]): number {
  if (!Number.isFinite(requestedSec) || requestedSec <= 0) {
    throw invalidRequest(`duration must be a positive number of seconds, got ${requestedSec}`);
  }
  return fitDuration(requestedSec, allowedSec);
}

/** Translates a generic aspect ratio to the model's own value, refusing ratios the model cannot render. */
export function mapAspect<T>(model: string, aspect: AspectRatio, table: Partial<Record<AspectRatio, T>>): T {
  const mapped = table[aspect];
  if (mapped === undefined) {
    const supported = Object.keys(table).join(', ');
    throw invalidRequest(`${model} cannot render aspect ratio ${aspect} (supported: ${supported})`);
  }
  return mapped;
}

/** Drops absent members so a built body equals exactly what goes over the wire. */
export function definedOnly(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
