import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import type { CreateTaskInput, CreateTaskOutput } from '../../src/contract/activities';
import { createCreateTask } from '../../src/activities/create-task';
import { defaultCatalogue } from '../../src/config/catalogue';
import { failureTypes } from '../../src/contract/scene-workflow';
import { sandboxActivityDepsPerFile } from '../helpers/sandbox-deps-per-file';

const file = sandboxActivityDepsPerFile();

const kling = defaultCatalogue.find((p) => p.key === 'kling')!;
const input = (prompt: string): CreateTaskInput => ({
  provider: 'kling',
  model: { route: kling.route, model: kling.model, taskType: kling.taskType, options: kling.options },
  allowedDurationsSec: kling.allowedDurationsSec,
  prompt,
  durationSec: 5,
  aspectRatio: '16:9',
});

function run(prompt: string, env: MockActivityEnvironment) {
  const createTask = createCreateTask(file.deps);
  return env.run<[CreateTaskInput], CreateTaskOutput, typeof createTask>(createTask, input(prompt));
}

const tasksFor = (prompt: string) => file.sandbox.stats().tasks.filter((t) => t.prompt === prompt);

describe('createTask', () => {
  it('makes the task id its first heartbeat, the one the worker sends without throttling', async () => {
    const env = new MockActivityEnvironment();
    const heartbeats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => heartbeats.push(details));
    const out = await run('first heartbeat', env);
    expect(heartbeats).toEqual([{ phase: 'created', taskId: out.taskId, durationSec: 5 }]);
    expect(tasksFor('first heartbeat').map((t) => t.taskId)).toEqual([out.taskId]);
  });

  it('a retry after a lost worker returns the recorded task without sending the create again', async () => {
    const first = await run('recovered', new MockActivityEnvironment());
    const retry = new MockActivityEnvironment({
      attempt: 2,
      heartbeatDetails: { phase: 'created', taskId: first.taskId, durationSec: 5 },
    });
    expect(await run('recovered', retry)).toEqual({ taskId: first.taskId, durationSec: 5, recovered: true });
    expect(tasksFor('recovered')).toHaveLength(1);
  });

  it('a retry with no recorded task is ambiguous and sends nothing', async () => {
    const err = await run('unrecorded', new MockActivityEnvironment({ attempt: 2 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(failureTypes.ambiguousCreate);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect(tasksFor('unrecorded')).toHaveLength(0);
  });
});
