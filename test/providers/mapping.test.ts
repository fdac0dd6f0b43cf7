import { describe, expect, it } from 'vitest';
import { mapAspect, pickDuration } from '../../src/providers/mapping';
import { ProviderError } from '../../src/providers/types';

describe('pickDuration', () => {
  it.each([
    // requested, allowed, picked
    [5, [5, 10], 5],
    [7, [5, 10], 5],
    [10, [5, 10], 10],
    [30, [5, 10], 10],
    [3, [5, 10], 5],
    [0.5, [4, 6, 8], 4],
    [5.9, [4, 6, 8], 4],
    [6, [4, 6, 8], 6],
    [9, [8], 8],
    [2, [8], 8],
    [7.5, [10, 2, 5], 5],
  ])('requested %s s from %j → %s s', (requested, allowed, picked) => {
    expect(pickDuration(requested, allowed)).toBe(picked);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s before sending', (requested) => {
    const err = (() => {
      try {
        pickDuration(requested, [5, 10]);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'validation', requestSent: false, retryable: false });
  });
});

describe('mapAspect', () => {
  it('maps a supported ratio', () => {
    expect(mapAspect('m', '9:16', { '16:9': 'a', '9:16': 'b' })).toBe('b');
  });

  it('refuses an unsupported ratio with a validation error naming the supported ones', () => {
    expect(() => mapAspect('veo3.1', '1:1', { '16:9': '16:9', '9:16': '9:16' })).toThrow(
      expect.objectContaining({
        kind: 'validation',
        requestSent: false,
        message: 'veo3.1 cannot render aspect ratio 1:1 (supported: 16:9, 9:16)',
      }),
    );
  });
});
