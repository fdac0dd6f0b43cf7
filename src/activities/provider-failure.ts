import { ApplicationFailure } from '@temporalio/activity';
import { ProviderError } from '../providers/types';
import { failureTypes } from '../contract/scene-workflow';

/** Turns an adapter error into the failure the workflow reasons about; never retried by Temporal once classified. */
export function nonRetryableProviderFailure(err: unknown, during: string): ApplicationFailure {
  if (err instanceof ProviderError) {
    const type = err.kind === 'content_policy' ? failureTypes.contentPolicy : failureTypes.providerRejected;
    return ApplicationFailure.create({
      message: `${during}: ${err.kind}${err.httpStatus ? ` (HTTP ${err.httpStatus})` : ''}: ${err.message}`,
      type,
      nonRetryable: true,
      details: [{ contentPolicy: err.kind === 'content_policy', code: err.kind }],
    });
  }
  return ApplicationFailure.create({
    message: `${during}: ${err instanceof Error ? err.message : String(err)}`,
    type: failureTypes.providerRejected,
    nonRetryable: true,
  });
}
