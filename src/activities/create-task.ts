import { activityInfo, ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import { fitDuration } from '../domain/duration';
import { ProviderError } from '../providers/types';
import { failureTypes } from '../contract/scene-workflow';
import type { CreateTaskInput, CreateTaskOutput } from '../contract/activities';
import { piapiWebhookPath } from '../contract/provider-webhook';
import { routeRegistry } from '../providers/routes';
import { signWebhookToken } from '../webhooks/token';
import { callOptions, clientFor, type ActivityDeps } from './dependencies';
import { nonRetryableProviderFailure } from './provider-failure';

type CreateHeartbeat = { phase: 'created'; taskId: string; durationSec: number; webhook?: { backstopMs: number } };

const maxSafeRetries = 3;
/** Well inside the workflow's heartbeat timeout, so a live create is never mistaken for a lost worker. */
const livenessIntervalMs = 5_000;

/**
 * A paid task must be created at most once per attempt, and neither API takes an idempotency key. So:
 * - Inside one activity attempt, a failed POST is retried only when the failure proves no task exists: the connection
 *   was refused before sending, or the API itself answered 4xx/429/5xx (gateway 502/504/52x prove nothing).
 * - Anything else after the request went out (timeout, reset, a 2xx reply that cannot be read) is ambiguous and is
 *   never re-sent; the workflow moves on.
 * - Temporal retries this activity only to recover from a lost worker: if the previous attempt recorded the task id in
 *   its heartbeat, it is returned; otherwise it may have sent a create, and the attempt is ambiguous. A heartbeat can
 *   never prove the opposite: heartbeats are throttled, so a "not sent yet" one may land after the POST went out.
 */
export function createCreateTask(deps: ActivityDeps) {
  return async function createTask(input: CreateTaskInput): Promise<CreateTaskOutput> {
    const { attempt, heartbeatDetails, startToCloseTimeoutMs } = activityInfo();
    const prior = heartbeatDetails as CreateHeartbeat | undefined;
    if (prior?.phase === 'created') {
      const { taskId, durationSec, webhook } = prior;
      return { taskId, durationSec, recovered: true, ...(webhook ? { webhook } : {}) };
    }
    if (attempt > 1) {
      throw ApplicationFailure.create({
        message: `${input.provider}: the worker was lost while creating the task; it may exist at the provider, so it is not sent again (no idempotency key)`,
        type: failureTypes.ambiguousCreate,
        nonRetryable: true,
      });
    }

    const client = clientFor(deps, input.model.route);
    const ctx = Context.current();
    const startedAt = Date.now();
    const call = callOptions(deps, ctx.cancellationSignal);
    // No heartbeat up front: the SDK sends an attempt's first heartbeat at once and throttles the next ones, and the
    // one that must not wait is the task id below (a worker lost before it reaches the server leaves a paid task that
    // nobody recorded). Only a create slower than the liveness interval heartbeats before it.
    const liveness = setInterval(() => heartbeat(), livenessIntervalMs);
    try {
      // Fitted here, as the budget priced it, because the input carries the requested duration: an input recorded
      // before a deploy must keep meaning what it meant. The adapter sends this duration or refuses it.
      const durationSec = fitDuration(input.durationSec, input.allowedDurationsSec);
      const webhook = taskWebhook(deps, input);
      for (let retry = 0; ; retry++) {
        try {
          const created = await client.createTask(
            {
              prompt: input.prompt,
              negativePrompt: input.negativePrompt,
              durationSec,
              aspectRatio: input.aspectRatio,
              imageUrl: input.imageUrl,
              model: input.model,
              webhook: webhook?.target,
            },
            call,
          );
          const waits = webhook ? { webhook: { backstopMs: webhook.backstopMs } } : {};
          heartbeat({ phase: 'created', taskId: created.taskId, durationSec, ...waits } satisfies CreateHeartbeat);
          return { taskId: created.taskId, durationSec, recovered: false, ...waits };
        } catch (err) {
          if (ctx.cancellationSignal.aborted) throw err;
          if (!(err instanceof ProviderError)) throw nonRetryableProviderFailure(err, `${input.provider} create`);
          if (!provesNoTaskCreated(err)) {
            throw ApplicationFailure.create({
              message: `${input.provider}: create failed after the request was sent (${err.kind}: ${err.message}); it may have created a task, so it is not re-sent (no idempotency key)`,
              type: failureTypes.ambiguousCreate,
              nonRetryable: true,
            });
          }
          const wait = Math.min(err.retryAfterMs ?? 1000 * 2 ** retry, 30_000);
          // Never outlive start-to-close: the server would start another attempt while this one may still send.
          const outOfTime = Date.now() - startedAt + wait + call.timeoutMs > startToCloseTimeoutMs;
          if (!err.retryable || retry >= maxSafeRetries || outOfTime) {
            throw nonRetryableProviderFailure(err, `${input.provider} create`);
          }
          await ctx.sleep(wait);
        }
      }
    } finally {
      clearInterval(liveness);
    }
  };
}

/**
 * The webhook this task registers, where the worker has webhooks on and the task's API can notify: its URL carries a
 * token bound to this run of the scene and this attempt, so the receiver needs no lookup and a late notification of an
 * earlier attempt or run is told apart.
 */
function taskWebhook(deps: ActivityDeps, input: CreateTaskInput) {
  const settings = deps.webhooks;
  const run = activityInfo().workflowExecution;
  if (!settings || !run || input.attempt === undefined || !routeRegistry[input.model.route].webhooks) return undefined;
  const { workflowId, runId } = run;
  const token = signWebhookToken(settings.secret, { workflowId, runId, attempt: input.attempt });
  const endpoint = `${settings.publicUrl.replace(/\/+$/, '')}${piapiWebhookPath}${token}`;
  return { target: { endpoint, secret: settings.secret }, backstopMs: settings.backstopMs };
}

/** Gateway errors (502, 504, Cloudflare's 52x) mean the origin may have taken the request; they prove nothing. */
function provesNoTaskCreated(err: ProviderError): boolean {
  if (!err.requestSent) return true;
  const status = err.httpStatus;
  if (status === undefined || err.kind === 'protocol') return false;
  return status !== 502 && status !== 504 && !(status >= 520 && status <= 530);
}
