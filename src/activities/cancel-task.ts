import { Context } from '@temporalio/activity';
import type { CancelTaskInput, CancelTaskOutput } from '../contract/activities';
import { modelCapabilities } from '../providers/routes';
import { callOptions, clientFor, type ActivityDeps } from './dependencies';

/**
 * Best effort: stops paying for a task nobody will wait for, where the model's API can. A model without a cancel, or
 * one that cancels only queued tasks when this one is rendering, gets no request; a provider may also refuse the cancel
 * (the task started rendering between the look and the cancel). Either way the answer says so, and the attempt is
 * billed as a task that renders on.
 */
export function createCancelTask(deps: Pick<ActivityDeps, 'providers' | 'requestTimeoutMs' | 'metrics'>) {
  return async function cancelTask(input: CancelTaskInput): Promise<CancelTaskOutput> {
    const client = clientFor(deps, input.route);
    const signal = Context.current().cancellationSignal;
    const call = callOptions(deps, signal);
    // No model (scheduled before the input named it) or one the route does not know: the cancel is sent, as it was.
    const support = input.model === undefined ? undefined : modelCapabilities(input.route, input.model)?.cancel;
    if (support === 'none') return { sent: false, reason: `${input.model} has no cancel API` };
    if (support === 'while-queued') {
      // Asked now rather than taken from the workflow, whose last state can be a poll interval old.
      // A look that fails (a task the provider no longer knows, a status reply that cannot be read: often why the task
      // is being abandoned) is left to the DELETE, which answers for itself: done, refused, or an error to retry.
      const state = await client.getTask(input.taskId, call).then(
        (snapshot) => snapshot.state,
        (err: unknown) => {
          if (signal.aborted) throw err;
          return undefined;
        },
      );
      if (state === 'running')
        return { sent: false, reason: `${input.model} cancels only queued tasks and this one is running` };
    }
    const reply = await client.cancelTask(input.taskId, call);
    if (!reply.cancelled) return { sent: false, reason: `the provider refused the cancel: ${reply.refusal}` };
    return { sent: true };
  };
}
