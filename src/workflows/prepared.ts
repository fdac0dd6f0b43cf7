import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/** A refused input fails the run as the preparing activity refused it: at once, non-retryably, with its message. */
export async function prepared<T>(preparing: Promise<T>): Promise<T> {
  try {
    return await preparing;
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable)
      throw err.cause;
    throw err;
  }
}
