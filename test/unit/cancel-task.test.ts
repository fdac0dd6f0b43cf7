import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createCancelTask } from '../../src/activities/cancel-task';
import type { CancelTaskInput, CancelTaskOutput } from '../../src/contract/activities';
import { ProviderError, type CancelReply, type TaskState, type VideoProviderClient } from '../../src/providers/types';

/** A provider client that records the calls cancelTask makes, its tasks in `state`, answering a cancel with `reply`. */
function recordingClient(state: TaskState | 'gone' | 'unreadable', reply: CancelReply) {
  const calls: string[] = [];
  const client: VideoProviderClient = {
    createTask: () => Promise.reject(new Error('not used')),
    getTask: (taskId) => {
      calls.push(`GET ${taskId}`);
      if (state === 'gone') return Promise.reject(new ProviderError('not_found', `task ${taskId} not found`));
      if (state === 'unreadable') return Promise.reject(new ProviderError('protocol', 'not a task'));
      return Promise.resolve({ taskId, state });
    },
    cancelTask: (taskId) => {
      calls.push(`DELETE ${taskId}`);
      return Promise.resolve(reply);
    },
    getAccount: () => Promise.reject(new Error('not used')),
  };
  return { client, calls };
}

async function cancel(
  input: Omit<CancelTaskInput, 'taskId' | 'provider'>,
  state: TaskState | 'gone' | 'unreadable' = 'queued',
  reply: CancelReply = { cancelled: true },
) {
  const { client, calls } = recordingClient(state, reply);
  const cancelTask = createCancelTask({ providers: { piapi: client, runway: client } });
  const out = await new MockActivityEnvironment().run<[CancelTaskInput], CancelTaskOutput, typeof cancelTask>(
    cancelTask,
    { ...input, provider: 'p', taskId: 't1' },
  );
  return { out, calls };
}

describe('cancelTask follows the model', () => {
  it('sends nothing for a model without a cancel API, and says why', async () => {
    for (const model of ['hailuo', 'Qubico/hunyuan', 'veo3.1'])
      expect(await cancel({ route: 'piapi', model }, 'queued')).toEqual({
        out: { sent: false, reason: `${model} has no cancel API` },
        calls: [],
      });
  });

  it('cancels a queued task of a model that cancels only queued ones, after asking its state', async () => {
    expect(await cancel({ route: 'piapi', model: 'kling' }, 'queued')).toEqual({
      out: { sent: true },
      calls: ['GET t1', 'DELETE t1'],
    });
  });

  it('reports a refused cancel: the task started rendering between the look and the cancel, and may bill', async () => {
    const refusal =
      'PiAPI DELETE /api/v1/task/{id}: HTTP 400: task t1 is processing, only pending tasks can be canceled';
    expect(await cancel({ route: 'piapi', model: 'kling' }, 'queued', { cancelled: false, refusal })).toEqual({
      out: { sent: false, reason: `the provider refused the cancel: ${refusal}` },
      calls: ['GET t1', 'DELETE t1'],
    });
  });

  it('leaves a task the provider no longer knows to the DELETE, instead of failing the look', async () => {
    expect(await cancel({ route: 'piapi', model: 'kling' }, 'gone')).toEqual({
      out: { sent: true },
      calls: ['GET t1', 'DELETE t1'],
    });
  });

  it('sends the DELETE when the look cannot be read (often why the task is abandoned): it answers for itself', async () => {
    expect(await cancel({ route: 'piapi', model: 'kling' }, 'unreadable')).toEqual({
      out: { sent: true },
      calls: ['GET t1', 'DELETE t1'],
    });
  });

  it('leaves a rendering task of such a model alone: PiAPI cannot cancel it', async () => {
    expect(await cancel({ route: 'piapi', model: 'luma' }, 'running')).toEqual({
      out: { sent: false, reason: 'luma cancels only queued tasks and this one is running' },
      calls: ['GET t1'],
    });
  });

  it('cancels a Runway task whatever its state, without asking', async () => {
    expect(await cancel({ route: 'runway', model: 'gen4.5' }, 'running')).toEqual({
      out: { sent: true },
      calls: ['DELETE t1'],
    });
  });

  it('sends the cancel, as before, when the input names no model (scheduled before it did) or an unknown one', async () => {
    expect(await cancel({ route: 'piapi' })).toEqual({ out: { sent: true }, calls: ['DELETE t1'] });
    expect(await cancel({ route: 'piapi', model: 'kling-next' })).toEqual({
      out: { sent: true },
      calls: ['DELETE t1'],
    });
  });
});
