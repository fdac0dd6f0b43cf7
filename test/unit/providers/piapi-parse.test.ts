import { describe, expect, it } from 'vitest';
import { parsePiapiTask } from '../../../src/providers/piapi';
import type { ProviderTaskSnapshot } from '../../../src/providers/types';
import { fixture } from '../../providers/stub-server';

function parseFixture(name: string): ProviderTaskSnapshot {
  return parsePiapiTask(fixture(`piapi/${name}`).body);
}

describe('parsePiapiTask: documented and reconstructed examples', () => {
  it.each<[string, ProviderTaskSnapshot]>([
    // Creation responses: every documented output skeleton, none of them a result yet.
    ['create-kling-turbo.json', { taskId: '98aad4db-41a1-42ca-b06a-aa77714b4ff8', state: 'queued' }],
    ['create-code-0.json', { taskId: '98aad4db-41a1-42ca-b06a-aa77714b4ff8', state: 'queued' }],
    ['create-kling-3.0.json', { taskId: '0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8', state: 'queued' }],
    ['create-kling-classic.json', { taskId: '1c2d3e4f-5061-4b72-8c83-a4b5c6d7e8f9', state: 'queued' }],
    ['create-kling-motion-control.json', { taskId: '2d3e4f50-6172-4c83-9d94-b5c6d7e8f90a', state: 'queued' }],
    ['create-luma.json', { taskId: '3e4f5061-7283-4d94-8ea5-c6d7e8f90a1b', state: 'queued' }],
    ['get-hailuo-pending.json', { taskId: '4f506172-8394-4ea5-9fb6-d7e8f90a1b2c', state: 'queued', progress: 0 }],
    ['get-staged.json', { taskId: '99aabbcc-ddee-4f00-8000-000000000005', state: 'queued' }],
    ['get-unknown-status.json', { taskId: 'aabbccdd-eeff-4000-8000-000000000006', state: 'queued' }],
    [
      'get-hailuo-processing.json',
      { taskId: '4f506172-8394-4ea5-9fb6-d7e8f90a1b2c', state: 'running', progress: 0.45 },
    ],
    // A URL before `completed` does not make the task done.
    ['get-processing-video-early.json', { taskId: '778899aa-bbcc-4d00-8000-000000000003', state: 'running' }],
    ['bare-task-extra-fields.json', { taskId: 'bbccddee-ff00-4100-8000-000000000007', state: 'running' }],
    [
      'get-kling-turbo-completed.json',
      {
        taskId: '98aad4db-41a1-42ca-b06a-aa77714b4ff8',
        state: 'succeeded',
        videoUrl: 'https://img.theapi.app/ephemeral/98aad4db-41a1-42ca-b06a-aa77714b4ff8.mp4',
        costUsd: 0.28,
      },
    ],
    [
      'get-hailuo-completed.json',
      {
        taskId: '4f506172-8394-4ea5-9fb6-d7e8f90a1b2c',
        state: 'succeeded',
        progress: 1,
        videoUrl: 'https://storage.theapi.app/videos/hailuo-1.mp4',
        costUsd: 0.2,
      },
    ],
    [
      'get-hailuo-output-video.json',
      {
        taskId: '50617283-94a5-4fb6-80c7-e8f90a1b2c3d',
        state: 'succeeded',
        videoUrl: 'https://img.theapi.app/ephemeral/50617283.mp4',
      },
    ],
    [
      'get-hailuo-download-url-only.json',
      {
        taskId: '6172839a-a5b6-4c07-91d8-f90a1b2c3d4e',
        state: 'succeeded',
        progress: 1,
        videoUrl: 'https://storage.theapi.app/videos/dl-only.mp4',
      },
    ],
    [
      'get-kling-classic-completed.json',
      {
        taskId: '72839aab-b6c7-4d18-a2e9-0a1b2c3d4e5f',
        state: 'succeeded',
        videoUrl: 'https://storage.goapi.ai/kling/video-1.mp4',
      },
    ],
    [
      'get-kling-classic-watermarked-only.json',
      {
        taskId: '839aabbc-c7d8-4e29-b3fa-1b2c3d4e5f60',
        state: 'succeeded',
        videoUrl: 'https://v15-kling.klingai.com/video-2.mp4',
      },
    ],
    [
      'get-kling-motion-control-completed.json',
      {
        taskId: '9aabbccd-d8e9-4f3a-84ab-2c3d4e5f6071',
        state: 'succeeded',
        videoUrl: 'https://storage.theapi.app/videos/motion-1.mp4',
        costUsd: 0.585,
      },
    ],
    [
      'webhook-kling-3.0-completed.json',
      {
        taskId: 'aabbccdd-e9fa-4a4b-95bc-3d4e5f607182',
        state: 'succeeded',
        videoUrl: 'https://storage.theapi.app/videos/aabbccdd.mp4',
        costUsd: 0.75,
      },
    ],
    [
      'webhook-luma-2024-generation.json',
      {
        taskId: 'bbccddee-fa0b-4b5c-a6cd-4e5f60718293',
        state: 'succeeded',
        videoUrl: 'https://storage.cdn-luma.com/dream_machine/7e4b1e2a/watermarked_video0f1e.mp4',
      },
    ],
    [
      'get-luma-2026-completed.json',
      {
        taskId: 'ccddeeff-0b1c-4c6d-b7de-5f6071829304',
        state: 'succeeded',
        videoUrl: 'https://storage.cdn-luma.com/dream_machine/v.mp4',
        costUsd: 0.2,
      },
    ],
    [
      'get-luma-video-raw-only.json',
      {
        taskId: 'ddeeff00-1c2d-4d7e-88ef-607182930415',
        state: 'succeeded',
        videoUrl: 'https://storage.cdn-luma.com/dream_machine/raw-only.mp4',
      },
    ],
    [
      'get-sora2-completed.json',
      {
        taskId: 'eeff0011-2d3e-4e8f-99f0-718293041526',
        state: 'succeeded',
        videoUrl: 'https://img.theapi.app/ephemeral/6147ebfc-fe47-4184-8ce4-66ffe37049eb.mp4',
        costUsd: 0.32,
      },
    ],
    [
      // Envelope code 0 is success too.
      'get-sora2-completed-code-0.json',
      {
        taskId: 'eeff0011-2d3e-4e8f-99f0-718293041526',
        state: 'succeeded',
        videoUrl: 'https://img.theapi.app/ephemeral/6147ebfc-fe47-4184-8ce4-66ffe37049eb.mp4',
        costUsd: 0.32,
      },
    ],
    [
      'get-veo3.1-completed.json',
      {
        taskId: 'ff001122-3e4f-4f90-aa01-829304152637',
        state: 'succeeded',
        videoUrl: 'https://img.theapi.app/ephemeral/ff001122.mp4',
        costUsd: 0.48,
      },
    ],
    [
      'get-hunyuan-completed.json',
      {
        taskId: '00112233-4f50-4a01-bb12-930415263748',
        state: 'succeeded',
        videoUrl: 'https://storage.theapi.app/videos/hunyuan-1.mp4',
        costUsd: 0.09,
      },
    ],
    [
      // consume 0 is no charge to report
      'get-seedance-completed.json',
      {
        taskId: '11223344-5061-4b12-8c23-041526374859',
        state: 'succeeded',
        videoUrl: 'https://img.theapi.app/ephemeral/11223344.mp4',
      },
    ],
    [
      'get-seedance-video-url.json',
      {
        taskId: '22334455-6172-4c23-9d34-15263748596a',
        state: 'succeeded',
        videoUrl: 'https://img.theapi.app/ephemeral/22334455.mp4',
      },
    ],
    [
      'get-capitalised-completed.json',
      {
        taskId: '8899aabb-ccdd-4e00-8000-000000000004',
        state: 'succeeded',
        videoUrl: 'https://storage.theapi.app/videos/8899aabb.mp4',
        costUsd: 0.5,
      },
    ],
    [
      'get-seedance-moderation-failed.json',
      {
        taskId: '33445566-7283-4d34-8e45-263748596a7b',
        state: 'failed',
        failure: { code: '10003', message: 'Invalid Request', retryable: false, contentPolicy: true },
      },
    ],
    [
      'get-hailuo-face-detection-failed.json',
      {
        taskId: '44556677-8394-4e45-9f56-3748596a7b8c',
        state: 'failed',
        progress: 0,
        failure: { message: 'Failed face detection', retryable: false, contentPolicy: true },
      },
    ],
    [
      'get-failed-raw-message-only.json',
      {
        taskId: '66778899-aabb-4c00-8000-000000000002',
        state: 'failed',
        failure: { message: 'prompt was blocked by content moderation', retryable: false, contentPolicy: true },
      },
    ],
    [
      'get-kling-failed-generic.json',
      {
        taskId: '5566778899aa-0000-4000-8000-000000000001',
        state: 'failed',
        failure: { code: '1000', message: 'task failed, please retry', retryable: true, contentPolicy: false },
      },
    ],
  ])('%s', (name, expected) => {
    const snapshot = parseFixture(name);
    // The task's own times are checked apart, below.
    const { costUsd, times: _times, ...rest } = snapshot;
    const { costUsd: expectedCost, ...expectedRest } = expected;
    expect(rest).toStrictEqual(expectedRest);
    if (expectedCost === undefined) expect(costUsd).toBeUndefined();
    else expect(costUsd).toBeCloseTo(expectedCost, 10);
  });

  it('reports no cost for a pending task even when consume is already set (llm usage)', () => {
    expect(parseFixture('create-kling-turbo.json').costUsd).toBeUndefined();
  });

  it('skips empty and null locations and follows the documented order', () => {
    const snapshot = parsePiapiTask({
      task_id: 't',
      status: 'completed',
      output: {
        video: '',
        video_url: null,
        works: [
          { video: { resource_without_watermark: '', resource: '' } },
          { video: { resource: 'https://b/2.mp4' } },
        ],
        video_raw: { url: 'https://c/3.mp4' },
      },
    });
    expect(snapshot.videoUrl).toBe('https://b/2.mp4');
  });

  it('reads output.video as an object with a url', () => {
    expect(
      parsePiapiTask({ task_id: 't', status: 'COMPLETED', output: { video: { url: 'https://a/1.mp4' } } }).videoUrl,
    ).toBe('https://a/1.mp4');
  });

  it('tolerates a failed task with no error object at all', () => {
    expect(parsePiapiTask({ task_id: 't', status: 'failed', output: null, logs: null }).failure).toStrictEqual({
      message: 'PiAPI reported the task failed',
      retryable: true,
      contentPolicy: false,
    });
  });

  it('recognises moderation wording in logs', () => {
    const failure = parsePiapiTask({
      task_id: 't',
      status: 'failed',
      error: { code: 0, message: 'generation failed' },
      logs: [{ message: 'NSFW content detected' }],
    }).failure;
    expect(failure).toMatchObject({ contentPolicy: true, retryable: false });
  });

  it("reads an ended task's own times, with nanoseconds, and none for Go's zero time", () => {
    expect(parseFixture('get-kling-turbo-completed.json').times).toStrictEqual({
      createdMs: Date.parse('2025-12-24T10:08:00.260Z'),
      startedMs: Date.parse('2025-12-24T10:08:01.002Z'),
      endedMs: Date.parse('2025-12-24T10:10:18.410Z'),
    });
    const meta = { created_at: '2025-03-19T09:12:33.518532106Z', started_at: '0001-01-01T00:00:00Z', ended_at: 'soon' };
    expect(parsePiapiTask({ task_id: 't', status: 'failed', meta }).times).toStrictEqual({
      createdMs: Date.parse('2025-03-19T09:12:33.518Z'),
    });
    expect(parsePiapiTask({ task_id: 't', status: 'failed', meta: {} }).times).toBeUndefined();
    // A task still going has no end to measure to.
    expect(parseFixture('get-hailuo-pending.json').times).toBeUndefined();
  });

  it('maps a cancelled task', () => {
    expect(parsePiapiTask({ task_id: 't', status: 'canceled' }).state).toBe('cancelled');
  });
});

describe('parsePiapiTask: bodies that are not a task', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'an error envelope',
      fixture('piapi/envelope-error.json').body,
      /envelope carries code 500.*internal server error/,
    ],
    ['the cancel acknowledgement', fixture('piapi/cancel-success.json').body, /not a task/],
    ['the upload reply', fixture('piapi/upload-success.json').body, /not a task.*task_id/],
    ['null', null, /not a task/],
    ['an array', [], /not a task/],
    ['an envelope with data null', { code: 200, data: null, message: 'success' }, /not a task/],
    ['an envelope with code null', { code: null, data: { task_id: 't', status: 'pending' } }, /carries code null/],
    ['an envelope with code "500"', { code: '500', data: { task_id: 't', status: 'pending' } }, /carries code 500/],
    ['a task without status', { task_id: 't' }, /status/],
    ['a task with an empty id', { task_id: '', status: 'pending' }, /task_id/],
    [
      'a completed task without any URL',
      { task_id: 't', status: 'completed', output: { video: '', video_url: '' } },
      /completed but has no video URL/,
    ],
  ])('%s → protocol', (_name, body, message) => {
    expect(() => parsePiapiTask(body)).toThrow(
      expect.objectContaining({ kind: 'protocol', message: expect.stringMatching(message) }),
    );
  });
});
