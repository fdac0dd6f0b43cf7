import { isGrpcServiceError, ServiceError, WorkflowFailedError } from '@temporalio/client';
import { NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/common';
import {
  connectFromEnv,
  loadClientEnv,
  type ClientEnv,
  type ConnectOptions,
  type SceneVideoClient,
} from '../client/connection';
import { unreachableHint } from '../config/temporal-connection';
import { CliError, describeWorkflowFailure, exitCodes, notFound, UsageError } from './errors';

/** gRPC codes that do not prove the server answered: UNKNOWN (2), DEADLINE_EXCEEDED (4), UNAVAILABLE (14). */
const unansweredCodes = new Set([2, 4, 14]);
const notFoundCode = 5;

/** True when the error carries a gRPC status that only a reachable server sends (e.g. "Blob data size exceeds limit"). */
export function serverAnswered(err: ServiceError): boolean {
  return isGrpcServiceError(err.cause) && !unansweredCodes.has(err.cause.code);
}

const namespaceHint = 'Set TEMPORAL_NAMESPACE to an existing namespace.';

/** Temporal's errors in the CLI's terms: what happened, the exit code, and what to do. */
export function temporalError(err: unknown): unknown {
  if (err instanceof WorkflowNotFoundError) return notFound(err.workflowId);
  if (err instanceof NamespaceNotFoundError) return new CliError(err.message, exitCodes.failed, namespaceHint);
  if (err instanceof WorkflowFailedError) return new CliError(describeWorkflowFailure(err), exitCodes.failed);
  // The client wraps what the server said in a ServiceError; a raw service call (the Operator service's) throws it bare.
  const call =
    err instanceof ServiceError
      ? err
      : isGrpcServiceError(err)
        ? new ServiceError(err.message, { cause: err })
        : undefined;
  if (call === undefined) return err;
  const { cause } = call;
  if (isGrpcServiceError(cause) && cause.code === notFoundCode && /^Namespace .* not found/.test(cause.details)) {
    return new CliError(cause.details, exitCodes.failed, namespaceHint);
  }
  const said = cause?.message ?? call.message;
  return new CliError(
    `Temporal call failed: ${said}`,
    exitCodes.failed,
    // Before the reachability guess: this message has one cause, whatever status carried it.
    /no mapping defined for search attribute/i.test(said)
      ? 'The namespace lacks search attributes scene-video writes: run `scene-video setup` (Temporal Cloud: it prints the tcld command).'
      : serverAnswered(call)
        ? 'The server answered and refused the call; the message above says why.'
        : `Is the server reachable? ${unreachableHint}`,
  );
}

/**
 * For commands that read or stop what runs (status, cancel, cost, history export): they write no search attribute, so
 * a namespace that lacks one must not lock people out of its runs. Starting anything checks.
 */
export const noSetupCheck: ConnectOptions = { checkSearchAttributes: false };

/**
 * Connects from `env` as `loadClientEnv` reads it (checking the namespace's search attributes unless `options` says
 * not to), runs `fn`, and always closes the connection.
 */
export async function withTemporal<T>(
  env: NodeJS.ProcessEnv,
  fn: (session: SceneVideoClient, clientEnv: ClientEnv) => Promise<T>,
  options?: ConnectOptions,
): Promise<T> {
  let clientEnv;
  try {
    clientEnv = loadClientEnv(env);
  } catch (err) {
    throw new UsageError(
      (err as Error).message,
      'Fix the variable named above: `scene-video --help` lists the connection and tracing settings.',
    );
  }
  let session: SceneVideoClient;
  try {
    session = await connectFromEnv(clientEnv, options);
  } catch (err) {
    // connectFromEnv's messages already say what to do: start a server, point TEMPORAL_ADDRESS elsewhere, or run
    // `scene-video setup`.
    throw new CliError((err as Error).message, exitCodes.failed);
  }
  try {
    return await fn(session, clientEnv);
  } catch (err) {
    throw temporalError(err);
  } finally {
    await session.close();
  }
}
