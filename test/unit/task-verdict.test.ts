import { describe, expect, it } from 'vitest';
import { failureTypes } from '../../src/contract/scene-workflow';
import { taskVerdict } from '../../src/domain/task-verdict';

describe('taskVerdict: what a terminal task means for its attempt', () => {
  it('is undefined while the task goes on', () => {
    expect(taskVerdict('kling', { taskId: 't', state: 'queued' })).toBeUndefined();
    expect(taskVerdict('kling', { taskId: 't', state: 'running', progress: 0.4 })).toBeUndefined();
  });

  it('delivers a succeeded task with its URL, and fails one without', () => {
    expect(taskVerdict('kling', { taskId: 't', state: 'succeeded', videoUrl: 'https://cdn/v.mp4' })).toEqual({
      ok: true,
      videoUrl: 'https://cdn/v.mp4',
    });
    expect(taskVerdict('kling', { taskId: 't', state: 'succeeded', costUsd: 0.2 })).toMatchObject({
      ok: false,
      type: failureTypes.taskFailed,
      details: { costUsd: 0.2 },
    });
  });

  it('tells content policy from other failures, keeping what was flagged and the charge', () => {
    const failure = {
      message: 'SAFETY',
      retryable: false,
      contentPolicy: true,
      flagged: 'input' as const,
      code: 'SAFETY.INPUT.TEXT',
    };
    expect(taskVerdict('runway', { taskId: 't', state: 'failed', failure, costUsd: 0 })).toMatchObject({
      ok: false,
      type: failureTypes.contentPolicy,
      details: { contentPolicy: true, flagged: 'input', code: 'SAFETY.INPUT.TEXT', costUsd: 0 },
    });
    expect(taskVerdict('kling', { taskId: 't', state: 'cancelled' })).toMatchObject({
      type: failureTypes.taskCancelled,
    });
  });

  it("cuts a provider's megabyte failure message to 2,000 characters, saying how much was left out", () => {
    const failure = { message: 'x'.repeat(1_000_000), retryable: true, contentPolicy: false };
    const verdict = taskVerdict('kling', { taskId: 't', state: 'failed', failure });
    expect(verdict?.ok).toBe(false);
    const message = verdict && !verdict.ok ? verdict.message : '';
    expect(message.length).toBeLessThan(2_100);
    expect(message).toMatch(/… \(998000 more characters\)$/);
  });
});
