import { isGrpcServiceError, ServiceError, WorkflowFailedError } from '@temporalio/client';
import { NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/common';
import { connectFromEnv, loadClientEnv, type SceneVideoClient } from '../client/connection';
import { unreachableHint } from '../config/temporal-connection';
import { CliError, describeWorkflowFailure, exitCodes, notFound, UsageError } from './errors';

/** gRPC codes that do not prove the server answered: UNKNOWN (2), DEADLINE_EXCEEDED (4), UNAVAILABLE (14). */
const unansweredCodes = new Set([2, 4, 14]);

/** True when the error carries a gRPC status that only a reachable server sends (e.g. "Blob data size exceeds limit"). */
export function serverAnswered(err: ServiceError): boolean {
  return isGrpcServiceError(err.cause) && !unansweredCodes.has(err.cause.code);
}

/** Temporal's errors in the CLI's terms: what happened, the exit code, and what to do. */
function temporalError(err: unknown): unknown {
  if (err instanceof WorkflowNotFoundError) return notFound(err.workflowId);
  if (err instanceof NamespaceNotFoundError) {
    return new CliError(err.message, exitCodes.failed, 'Set TEMPORAL_NAMESPACE to an existing namespace.');
  }
  if (err instanceof WorkflowFailedError) return new CliError(describeWorkflowFailure(err), exitCodes.failed);
  if (err instanceof ServiceError) {
    return new CliError(
      `Temporal call failed: ${err.cause?.message ?? err.message}`,
      exitCodes.failed,
      serverAnswered(err)
        ? 'The server answered and refused the call; the message above says why.'
        : `Is the server reachable? ${unreachableHint}`,
    );
  }
  return err;
}

/** Connects from `env` as `loadClientEnv` reads it, runs `fn`, and always closes the connection. */
export async function withTemporal<T>(
  env: NodeJS.ProcessEnv,
  fn: (session: SceneVideoClient) => Promise<T>,
): Promise<T> {
  let clientEnv;
  try {
    clientEnv = loadClientEnv(env);
  } catch (err) {
    throw new UsageError(
      (err as Error).message,
      'Fix the Temporal connection settings listed in `scene-video --help`.',
    );
  }
  let session: SceneVideoClient;
  try {
    session = await connectFromEnv(clientEnv);
  } catch (err) {
    // connectFromEnv's message already says how to start a server or where to point TEMPORAL_ADDRESS.
    throw new CliError((err as Error).message, exitCodes.failed);
  }
  try {
    return await fn(session);
  } catch (err) {
    throw temporalError(err);
  } finally {
    await session.close();
  }
}
