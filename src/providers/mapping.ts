import { ProviderError, type GenerationRequest } from './types';

export type AspectRatio = GenerationRequest['aspectRatio'];

/** A request the provider would reject; raised before anything is sent. */
export function invalidRequest(message: string): ProviderError {
  return new ProviderError('validation', message, { requestSent: false });
}

// Rule: the largest allowed duration ≤ the requested one; if none is ≤ it, the smallest allowed.
export function pickDuration(requestedSec: number, allowedSec: readonly number[]): number {
  if (!Number.isFinite(requestedSec) || requestedSec <= 0) {
    throw invalidRequest(`duration must be a positive number of seconds, got ${requestedSec}`);
  }
  const sorted = [...allowedSec].sort((a, b) => a - b);
  const smallest = sorted[0];
  if (smallest === undefined) throw new Error('pickDuration needs at least one allowed duration');
  return sorted.filter((d) => d <= requestedSec).pop() ?? smallest;
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
