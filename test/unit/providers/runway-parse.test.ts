import { describe, expect, it } from 'vitest';
import { parseRunwayTask } from '../../../src/providers/runway';
import type { ProviderTaskSnapshot } from '../../../src/providers/types';
import { fixture } from '../../providers/stub-server';

const taskId = 'd2e3d1f4-1b3c-4b5c-8d46-1c1d7ee86892';

function failed(
  code: string | undefined,
  message: string,
  retryable: boolean,
  contentPolicy: boolean,
  flagged?: 'input' | 'output',
) {
  const failure = {
    ...(code === undefined ? {} : { code }),
    message,
    retryable,
    contentPolicy,
    ...(flagged === undefined ? {} : { flagged }),
  };
  return { taskId, state: 'failed', failure } satisfies ProviderTaskSnapshot;
}

describe('parseRunwayTask: documented and reconstructed examples', () => {
  it.each<[string, ProviderTaskSnapshot]>([
    ['task-pending.json', { taskId, state: 'queued' }],
    ['task-throttled.json', { taskId, state: 'queued', throttled: true }],
    ['task-running.json', { taskId, state: 'running', progress: 0.02 }],
    ['task-running-no-progress.json', { taskId, state: 'running' }],
    [
      'task-succeeded.json',
      {
        taskId,
        state: 'succeeded',
        videoUrl: 'https://dnznrvs05pmza.cloudfront.net/2f3a4b5c/output.mp4?_jwt=eyJhbGciOiJIUzI1NiJ9.e30.sig',
      },
    ],
    [
      'task-succeeded-cost.json',
      {
        taskId,
        state: 'succeeded',
        videoUrl: 'https://dnznrvs05pmza.cloudfront.net/2f3a4b5c/upscaled.mp4?_jwt=abc',
        costUsd: 0.63,
      },
    ],
    [
      'task-succeeded-lowercase.json',
      { taskId, state: 'succeeded', videoUrl: 'https://dnznrvs05pmza.cloudfront.net/x.mp4?_jwt=1' },
    ],
    ['task-cancelled.json', { taskId, state: 'cancelled' }],
    ['task-failed-bad-output.json', failed('INTERNAL.BAD_OUTPUT.CODE01', 'An unexpected error occurred.', true, false)],
    [
      'task-failed-safety-input-text.json',
      failed('SAFETY.INPUT.TEXT', 'Your prompt did not pass our content moderation.', false, true, 'input'),
    ],
    [
      'task-failed-safety-input-image.json',
      failed('SAFETY.INPUT.IMAGE', 'Your image did not pass our content moderation.', false, true, 'input'),
    ],
    [
      'task-failed-safety-output-video.json',
      failed('SAFETY.OUTPUT.VIDEO', 'The output did not pass our content moderation.', false, true, 'output'),
    ],
    [
      'task-failed-preprocessing-safety-text.json',
      failed('INPUT_PREPROCESSING.SAFETY.TEXT', 'Prompt text rejected.', false, true, 'input'),
    ],
    [
      'task-failed-preprocessing-safety-third-party.json',
      failed('INPUT_PREPROCESSING.SAFETY.THIRD_PARTY', 'Rejected by third-party moderation.', false, true, 'input'),
    ],
    [
      'task-failed-preprocessing-internal.json',
      failed('INPUT_PREPROCESSING.INTERNAL', 'There was a problem performing content moderation.', true, false),
    ],
    ['task-failed-asset-invalid.json', failed('ASSET.INVALID', 'Invalid asset dimensions.', false, false)],
    [
      'task-failed-third-party-unavailable.json',
      failed('THIRD_PARTY.UNAVAILABLE', 'The model is temporarily unavailable.', true, false),
    ],
    ['task-failed-internal.json', failed('INTERNAL', 'An unexpected error occurred.', true, false)],
    ['task-failed-no-code.json', failed(undefined, 'An unexpected error occurred.', true, false)],
    [
      'task-failed-null-code.json',
      { ...failed(undefined, 'An unexpected error occurred.', true, false), costUsd: 0.25 },
    ],
  ])('%s', (name, expected) => {
    const { costUsd, ...rest } = parseRunwayTask(fixture(`runway/${name}`).body);
    const { costUsd: expectedCost, ...expectedRest } = expected;
    expect(rest).toStrictEqual(expectedRest);
    if (expectedCost === undefined) expect(costUsd).toBeUndefined();
    else expect(costUsd).toBeCloseTo(expectedCost, 10);
  });

  it('ignores estimatedCost: only the terminal cost is a charge', () => {
    expect(parseRunwayTask(fixture('runway/task-pending.json').body).costUsd).toBeUndefined();
  });

  it('classifies unknown failure codes as transient and matches prefixes by whole segments', () => {
    const parse = (failureCode: string) =>
      parseRunwayTask({ id: 't', status: 'FAILED', failure: 'x', failureCode }).failure;
    expect(parse('SOMETHING.NEW')).toMatchObject({ retryable: true, contentPolicy: false });
    expect(parse('SAFETYNET')).toMatchObject({ retryable: true, contentPolicy: false });
    expect(parse('safety.input.text')).toMatchObject({ retryable: false, contentPolicy: true, flagged: 'input' });
    // A moderation code that names neither side leaves it unsaid (the metrics count it as the output's).
    expect(parse('SAFETY.OTHER')).toMatchObject({ contentPolicy: true });
    expect(parse('SAFETY.OTHER')).not.toHaveProperty('flagged');
    expect(parse('ASSET.INVALID.DIMENSIONS')).toMatchObject({ retryable: false, contentPolicy: false });
  });

  it('names the code when the failure message is missing', () => {
    expect(parseRunwayTask({ id: 't', status: 'FAILED', failureCode: 'INTERNAL' }).failure?.message).toBe(
      'Runway reported the task failed (INTERNAL)',
    );
  });

  it('clamps progress to 0..1', () => {
    expect(parseRunwayTask({ id: 't', status: 'RUNNING', progress: 1.2 }).progress).toBe(1);
  });
});

describe('parseRunwayTask: bodies that are not a usable task', () => {
  it.each<[string, unknown, RegExp]>([
    ['an unknown status', fixture('runway/task-unknown-status.json').body, /unknown status QUEUED/],
    ['the 404 body', fixture('runway/error-404-task.json').body, /not a task/],
    ['the create reply', fixture('runway/create.json').body, /not a task.*status/],
    ['null', null, /not a task/],
    ['SUCCEEDED without output', { id: 't', status: 'SUCCEEDED', output: [] }, /succeeded without an output URL/],
    ['SUCCEEDED with an empty URL', { id: 't', status: 'SUCCEEDED', output: [''] }, /without an output URL/],
  ])('%s → protocol', (_name, body, message) => {
    expect(() => parseRunwayTask(body)).toThrow(
      expect.objectContaining({ kind: 'protocol', message: expect.stringMatching(message) }),
    );
  });
});
