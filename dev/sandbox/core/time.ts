import { setTimeout as delay } from 'node:timers/promises';

/** A wall-clock instant with the sub-millisecond part PiAPI prints (its Go backend emits nanoseconds). */
export interface Instant {
  ms: number;
  nanosWithinMs: number;
}

/** Go's zero time: PiAPI prints it for `started_at`/`ended_at` until they are reached. */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

export function now(): Instant {
  return { ms: Date.now(), nanosWithinMs: Number(process.hrtime.bigint() % 1_000_000n) };
}

/** RFC 3339 with nanoseconds and trailing zeros trimmed, as Go's `time.RFC3339Nano` formats. */
export function rfc3339Nano(instant: Instant | undefined): string {
  if (!instant) return GO_ZERO_TIME;
  const iso = new Date(instant.ms).toISOString();
  const fraction = (iso.slice(20, 23) + String(instant.nanosWithinMs).padStart(6, '0')).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

/** Resolves early, without throwing, when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return ms > 0 ? delay(ms, undefined, { signal }).catch(() => undefined) : Promise.resolve();
}
