import type { CancelTaskOutput } from '../contract/activities';
import type { BillingRule } from '../contract/catalogue';

/** How an attempt ended, for billing: what the provider can charge depends on how far the task got. */
export type AttemptOutcome =
  | { kind: 'succeeded'; reportedCostUsd?: number }
  | { kind: 'not-created' }
  | { kind: 'ambiguous' }
  | { kind: 'task-failed'; contentPolicy: boolean; reportedCostUsd?: number }
  /** `cancel`: what cancelTask did with the task; absent when there was no task, or in runs recorded before. */
  | { kind: 'abandoned'; cancel?: CancelTaskOutput };

/**
 * What one attempt is counted as costing: the provider's reported charge when it sent one, otherwise what its billing
 * rule lets it charge for how the attempt ended, at `worstCaseUsd`. `lastState` is the task's state when it was given up.
 */
export function billedCostUsd(
  rule: BillingRule,
  worstCaseUsd: number,
  outcome: AttemptOutcome,
  lastState?: string,
): number {
  switch (outcome.kind) {
    case 'succeeded':
      return outcome.reportedCostUsd ?? worstCaseUsd;
    case 'not-created':
      return 0;
    case 'ambiguous':
      // The create may have made a task that nobody knows the id of, so nobody can cancel it: it renders and bills.
      return worstCaseUsd;
    case 'task-failed':
      if (outcome.reportedCostUsd !== undefined) return outcome.reportedCostUsd;
      if (rule === 'always' || (rule === 'success_or_moderated' && outcome.contentPolicy)) return worstCaseUsd;
      return 0;
    case 'abandoned':
      // A task cancelled while still queued is never charged; one that was rendering, or that its model could not
      // cancel, may still finish and bill.
      if (outcome.cancel?.sent === false) return worstCaseUsd;
      return lastState === 'queued' ? 0 : worstCaseUsd;
  }
}
