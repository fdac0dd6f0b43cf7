import { expect } from 'vitest';

/** The durations among `offered` that `build` accepts; it must refuse every other before sending. */
export function acceptedDurations(offered: readonly number[], build: (durationSec: number) => unknown): number[] {
  return offered.filter((durationSec) => {
    try {
      build(durationSec);
      return true;
    } catch (err) {
      expect(err).toMatchObject({ kind: 'validation', requestSent: false });
      return false;
    }
  });
}
