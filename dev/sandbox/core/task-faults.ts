import type { Behaviour, Fault } from './scenario';
import type { ScenarioRuntime } from './scenario-runtime';
import type { Outcome } from './task-store';

export type CreateFault = Extract<
  Fault,
  {
    kind:
      | 'create_5xx'
      | 'create_4xx'
      | 'rate_limit'
      | 'auth'
      | 'insufficient_credits'
      | 'malformed_create'
      | 'oversized_create';
  }
>;

/** Create faults that still create the (paid) task and only spoil the reply. */
export type SpoiledCreateFault = Extract<CreateFault, { kind: 'malformed_create' | 'oversized_create' }>;

/** Faults that spoil a 200 reply: its JSON cut off mid-way (`malformed_*`), or too long (`oversized_*`). */
export type SpoiledReplyFault = SpoiledCreateFault | Extract<Fault, { kind: 'malformed_get' | 'oversized_get' }>;

export function spoilsReplyOnly(fault: CreateFault): fault is SpoiledCreateFault {
  return fault.kind === 'malformed_create' || fault.kind === 'oversized_create';
}

/** The fault, if any, that answers a valid create request instead of the API. */
export function drawCreateFault(runtime: ScenarioRuntime, behaviour: Behaviour): CreateFault | undefined {
  return runtime.draw(behaviour.faults, [
    'create_5xx',
    'create_4xx',
    'rate_limit',
    'auth',
    'insufficient_credits',
    'malformed_create',
    'oversized_create',
  ]);
}

/** The fault, if any, that spoils the reply to a task GET. */
export function drawGetFault(runtime: ScenarioRuntime, behaviour: Behaviour): SpoiledReplyFault | undefined {
  return runtime.draw(behaviour.faults, ['malformed_get', 'oversized_get']);
}

/** How a new task will end, and where its output URL points when an `unsafe_url` fault hits. */
export function drawTaskFate(
  runtime: ScenarioRuntime,
  behaviour: Behaviour,
  prompt: string,
): { outcome: Outcome; unsafeUrl?: string } {
  const unsafeUrl = runtime.draw(behaviour.faults, ['unsafe_url'])?.url;
  const lower = prompt.toLowerCase();
  if (runtime.scenario.contentPolicyWords.some((word) => lower.includes(word.toLowerCase())))
    return { outcome: { kind: 'fail', moderation: true }, unsafeUrl };
  const fault = runtime.draw(behaviour.faults, ['task_failed', 'content_policy', 'hang']);
  switch (fault?.kind) {
    case undefined:
      return { outcome: { kind: 'succeed' }, unsafeUrl };
    case 'hang':
      return { outcome: { kind: 'hang' }, unsafeUrl };
    case 'content_policy':
      return { outcome: { kind: 'fail', moderation: true, stage: fault.stage }, unsafeUrl };
    case 'task_failed':
      return {
        outcome: {
          kind: 'fail',
          moderation: false,
          code: fault.code,
          failureCode: fault.failureCode,
          message: fault.message,
        },
        unsafeUrl,
      };
  }
}
