import { describe, expect, it } from 'vitest';
import { forRequest } from '../../../src/providers/capabilities';
import { piapiModels } from '../../../src/providers/piapi';
import { checkAspect, checkDuration, checkPrompt } from '../../../src/providers/request-checks';
import { thrown } from '../../providers/thrown';

const refusedBeforeSending = { name: 'ProviderError', kind: 'validation', requestSent: false, retryable: false };

describe('checkDuration', () => {
  it.each([
    [5, [5, 10]],
    [10, [5, 10]],
    [8, [8]],
    [7, [2, 3, 4, 5, 6, 7, 8, 9, 10]],
  ])('sends %s s as decided when the model renders it (%j)', (durationSec, allowed) => {
    expect(checkDuration('m', durationSec, allowed)).toBe(durationSec);
  });

  it.each([
    [7, [5, 10], 'kling cannot render 7 s (allowed: 5, 10 s)'],
    [30, [5, 10], 'kling cannot render 30 s (allowed: 5, 10 s)'],
    [7.5, [2, 5, 10], 'kling cannot render 7.5 s (allowed: 2, 5, 10 s)'],
  ])('refuses %s s from %j instead of fitting it again', (durationSec, allowed, message) => {
    expect(thrown(() => checkDuration('kling', durationSec, allowed))).toMatchObject({
      ...refusedBeforeSending,
      message,
    });
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s before sending', (durationSec) => {
    expect(thrown(() => checkDuration('kling', durationSec, [5, 10]))).toMatchObject({
      ...refusedBeforeSending,
      message: `duration must be a positive number of seconds, got ${durationSec}`,
    });
  });
});

describe('checkAspect', () => {
  it('passes a supported ratio', () => {
    expect(() => checkAspect('m', '9:16', ['16:9', '9:16'])).not.toThrow();
  });

  it('refuses an unsupported ratio with a validation error naming the supported ones', () => {
    expect(thrown(() => checkAspect('veo3.1', '1:1', ['16:9', '9:16']))).toMatchObject({
      ...refusedBeforeSending,
      message: 'veo3.1 cannot render aspect ratio 1:1 (supported: 16:9, 9:16)',
    });
  });
});

describe('checkPrompt', () => {
  it('counts UTF-16 code units, as the APIs do', () => {
    expect(() => checkPrompt('p', '😀'.repeat(500), 1000)).not.toThrow();
    expect(thrown(() => checkPrompt('p', '😀'.repeat(501), 1000))).toMatchObject({
      ...refusedBeforeSending,
      message: 'p is 1002 characters; the limit is 1000',
    });
  });

  it('lets any prompt through where no limit is documented, and an absent prompt always', () => {
    expect(() => checkPrompt('p', 'x'.repeat(100_000), undefined)).not.toThrow();
    expect(() => checkPrompt('p', undefined, 10)).not.toThrow();
  });
});

describe('forRequest', () => {
  const luma = { ...piapiModels.luma, aspectRatios: ['16:9', '9:16'] } as const;

  it('takes the image-to-video lists only with an image, and only where the model states them', () => {
    expect(forRequest(luma, undefined)).toEqual({ durationsSec: [5, 10], aspectRatios: ['16:9', '9:16'] });
    expect(forRequest(luma, 'https://x/i.png')).toEqual({ durationsSec: [5], aspectRatios: ['16:9', '9:16'] });
  });
});
