/**
 * The duration a provider is asked for: the largest allowed duration ≤ the requested one, or the smallest allowed when
 * none is ≤ it. Pure, and the only fit: the budget prices this duration, createTask asks for it, and the adapter
 * sends it or refuses it, never fitting again.
 */
export function fitDuration(requestedSec: number, allowedSec: readonly number[]): number {
  const sorted = [...allowedSec].sort((a, b) => a - b);
  const smallest = sorted[0];
  if (smallest === undefined) throw new RangeError('fitDuration needs at least one allowed duration');
  return sorted.filter((d) => d <= requestedSec).pop() ?? smallest;
}
