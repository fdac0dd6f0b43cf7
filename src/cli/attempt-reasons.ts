import type { AttemptReason } from '../contract/metrics';

/** Each reason class in words, for the attempt tables; JSON output keeps the class itself. */
const reasonWords: Record<AttemptReason, string> = {
  succeeded: 'stored',
  task_failed: 'the provider failed the task',
  content_policy_input: 'refused: the prompt (input moderation)',
  content_policy_output: 'the output was moderated',
  create_refused: 'the create was refused',
  ambiguous_create: 'the create may have made a task nobody knows of',
  quota_exhausted: "the provider's quota is used up for now",
  poll_failed: "the task's status could not be read",
  abandoned: 'polling gave up',
  deadline: 'no result within the deadline',
  upload_failed: 'not stored: the download or S3 failed',
  cancelled: 'the scene was cancelled',
};

/** Why an attempt ended, in words; empty while it runs, for a skipped provider, and in runs from before it was kept. */
export function describeReason(reason: AttemptReason | undefined): string {
  return reason === undefined ? '' : reasonWords[reason];
}
