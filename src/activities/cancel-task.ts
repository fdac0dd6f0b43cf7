import { Context } from '@temporalio/activity';
import type { CancelTaskInput } from '../contract/activities';
import { clientFor, type ActivityDeps } from './dependencies';

/** Best effort: stops paying for a task nobody will wait for. */
export function createCancelTask(deps: ActivityDeps) {
  return async function cancelTask(input: CancelTaskInput): Promise<void> {
    await clientFor(deps, input.route).cancelTask(input.taskId, {
      signal: Context.current().cancellationSignal,
      timeoutMs: deps.requestTimeoutMs ?? 30_000,
    });
  };
}
