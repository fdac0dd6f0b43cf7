import { z } from 'zod';
import { at, clampUnit, finiteNumber, nonEmptyString } from '../json';
import { ProviderError, type ProviderTaskSnapshot } from '../types';

/** $0.01 per credit; dividing keeps cents exact where multiplying by 0.01 would not. */
export const creditsPerUsd = 100;

const taskSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
});

export function parseRunwayTask(body: unknown): ProviderTaskSnapshot {
  const parsed = taskSchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'task'}: ${i.message}`).join('; ');
    throw new ProviderError('protocol', `Runway returned something that is not a task (${problems})`);
  }
  const { id: taskId, status } = parsed.data;
  const snapshot = runwaySnapshot(taskId, status.toUpperCase(), body);
  const credits = finiteNumber(at(body, 'cost', 'credits'));
  if (credits !== undefined && credits >= 0) snapshot.costUsd = credits / creditsPerUsd;
  return snapshot;
}

function runwaySnapshot(taskId: string, status: string, task: unknown): ProviderTaskSnapshot {
  switch (status) {
    case 'PENDING':
      return { taskId, state: 'queued' };
    case 'THROTTLED':
      return { taskId, state: 'queued', throttled: true };
    case 'RUNNING': {
      const progress = finiteNumber(at(task, 'progress'));
      return progress === undefined
        ? { taskId, state: 'running' }
        : { taskId, state: 'running', progress: clampUnit(progress) };
    }
    case 'SUCCEEDED': {
      const videoUrl = nonEmptyString(at(task, 'output', 0));
      if (!videoUrl) throw new ProviderError('protocol', `Runway task ${taskId} succeeded without an output URL`);
      return { taskId, state: 'succeeded', videoUrl };
    }
    case 'FAILED':
      return { taskId, state: 'failed', failure: runwayFailure(at(task, 'failure'), at(task, 'failureCode')) };
    case 'CANCELLED':
      return { taskId, state: 'cancelled' };
    default:
      throw new ProviderError('protocol', `Runway task ${taskId} has unknown status ${status}`);
  }
}

function runwayFailure(failure: unknown, failureCode: unknown): NonNullable<ProviderTaskSnapshot['failure']> {
  const code = nonEmptyString(failureCode);
  // failureCode is dot-separated from generic to specific, and the set is open-ended.
  const segments = code?.toUpperCase() ?? '';
  const under = (prefix: string) => segments === prefix || segments.startsWith(`${prefix}.`);
  const flaggedInput = under('SAFETY.INPUT') || under('INPUT_PREPROCESSING.SAFETY');
  const flagged = flaggedInput ? 'input' : under('SAFETY.OUTPUT') ? 'output' : undefined;
  const contentPolicy = under('SAFETY') || flaggedInput;
  return {
    ...(code === undefined ? {} : { code }),
    message: nonEmptyString(failure) ?? `Runway reported the task failed${code ? ` (${code})` : ''}`,
    retryable: !contentPolicy && !under('ASSET.INVALID'),
    contentPolicy,
    ...(flagged === undefined ? {} : { flagged }),
  };
}
