/** Reading provider JSON whose shape is only partly known: every step tolerates a missing or mistyped value. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[key];
    } else {
      if (!isRecord(current)) return undefined;
      current = current[key];
    }
  }
  return current;
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function clampUnit(value: number): number {
  return Math.min(1, Math.max(0, value));
}

/** A finite number, or a string holding one (account figures arrive either way from third-party-documented APIs). */
export function numberLike(value: unknown): number | undefined {
  if (typeof value === 'string' && value.trim() !== '') return finiteNumber(Number(value));
  return finiteNumber(value);
}
