import { activityInfo, ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import { pickDuration } from '../providers/mapping';
import { ProviderError } from '../providers/types';
import { failureTypes } from '../workflows/definitions';
import type { CreateTaskInput, CreateTaskOutput } from './contracts';
import { clientFor, type ActivityDeps } from './dependencies';
import { nonRetryableProviderFailure } from './provider-failure';

type CreateHeartbeat =
  { phase: 'sending' } | { phase: 'not-sent' } | { phase: 'created'; taskId: string; durationSec: number };

const maxSafeRetries = 3;

/**
 * A paid task must be created at most once per attempt, and neither API takes an idempotency key. So:
 * - Inside one activity attempt, a failed POST is retried only when the failure proves no task exists: the connection
 *   was refused before sending, or the API itself answered 429/5xx (gateway 502/504/52x prove nothing).
 * - A timeout or reset after the request went out is ambiguous and is never re-sent; the workflow moves on.
 * - Temporal retries this activity only to recover from a lost worker: the new attempt reads the heartbeat. If the
 *   previous attempt recorded the task id, it is returned; if it had started sending, the attempt is ambiguous.
 */
export function createCreateTask(deps: ActivityDeps) {
  return async function createTask(input: CreateTaskInput): Promise<CreateTaskOutput> {
    const { attempt, heartbeatDetails } = activityInfo();
    const prior = heartbeatDetails as CreateHeartbeat | undefined;
    if (prior?.phase === 'created') return { taskId: prior.taskId, durationSec: prior.durationSec, recovered: true };
    if (attempt > 1 && prior?.phase !== 'not-sent') {
      throw ApplicationFailure.create({
        message: `${input.provider}: the worker was lost while creating the task; it may exist at the provider, so it is not sent again (no idempotency key)`,
        type: failureTypes.ambiguousCreate,
        nonRetryable: true,
      });
    }

    const client = clientFor(deps, input.model.route);
    const ctx = Context.current();
    for (let retry = 0; ; retry++) {
      heartbeat({ phase: 'sending' } satisfies CreateHeartbeat);
      try {
        const created = await client.createTask(
          {
            prompt: input.prompt,
            negativePrompt: input.negativePrompt,
            // The catalogue's limits come first (e.g. Luma capped at 5 s); the adapter then fits the model's own values.
            durationSec: pickDuration(input.durationSec, input.allowedDurationsSec),
            aspectRatio: input.aspectRatio,
            imageUrl: input.imageUrl,
            model: input.model,
          },
          { signal: ctx.cancellationSignal, timeoutMs: deps.requestTimeoutMs ?? 30_000 },
        );
        heartbeat({
          phase: 'created',
          taskId: created.taskId,
          durationSec: created.durationSec,
        } satisfies CreateHeartbeat);
        return { taskId: created.taskId, durationSec: created.durationSec, recovered: false };
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw err;
        if (!(err instanceof ProviderError) || !provesNoTaskCreated(err)) {
          if (err instanceof ProviderError && err.retryable) {
            throw ApplicationFailure.create({
              message: `${input.provider}: create request failed after it was sent (${err.message}); not re-sent to avoid a duplicate paid task`,
              type: failureTypes.ambiguousCreate,
              nonRetryable: true,
            });
          }
          throw nonRetryableProviderFailure(err, `${input.provider} create`);
        }
        if (!err.retryable || retry >= maxSafeRetries)
          throw nonRetryableProviderFailure(err, `${input.provider} create`);
        heartbeat({ phase: 'not-sent' } satisfies CreateHeartbeat);
        await ctx.sleep(Math.min(err.retryAfterMs ?? 1000 * 2 ** retry, 30_000));
      }
    }
  };
}

/** Gateway errors (502, 504, Cloudflare's 52x) mean the origin may have taken the request; they prove nothing. */
function provesNoTaskCreated(err: ProviderError): boolean {
  if (!err.requestSent) return true;
  const status = err.httpStatus;
  if (status === undefined || err.kind === 'protocol') return false;
  return status !== 502 && status !== 504 && !(status >= 520 && status <= 530);
}
