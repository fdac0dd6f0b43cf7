import type { WorkflowFailedError } from '@temporalio/client';

/** The exit-code contract scripts rely on; documented in `scene-video --help`. */
export const exitCodes = {
  ok: 0,
  /** The workflow failed or was cancelled, or an operational error (server unreachable, I/O). */
  failed: 1,
  /** Bad flags, bad input or bad configuration: nothing was started. */
  usage: 2,
  notFound: 3,
  /** Every clip was generated (and paid for) but at least one is not stored in S3: only its provider URL, which expires. */
  notStored: 4,
  /**
   * `scene-video setup` left search attributes missing and changed nothing (`--check`, Temporal Cloud, or a server
   * that refused): its output names the commands that add them.
   */
  setupNeeded: 5,
  /** `project` refused to start: a provider account's reported balance is below the project's estimate there. */
  insufficientBalance: 6,
  interrupted: 130,
} as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

const codeNames: Record<ExitCode, string> = {
  0: 'ok',
  1: 'failed',
  2: 'invalid_input',
  3: 'not_found',
  4: 'not_stored',
  5: 'setup_needed',
  6: 'insufficient_balance',
  130: 'interrupted',
};

/** An error the CLI reports as-is: `message` says what went wrong, `hint` what to do about it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
  }

  get code(): string {
    return codeNames[this.exitCode];
  }
}

export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, exitCodes.usage, hint);
  }
}

export function notFound(workflowId: string): CliError {
  return new CliError(
    `No workflow "${workflowId}" in this namespace.`,
    exitCodes.notFound,
    'Check the id (scene workflows are scene-video:<project or _>:<sceneId>, or scene-video-<project or _>-<sceneId> for older runs; projects project-video-<projectId>) and TEMPORAL_NAMESPACE.',
  );
}

/** Maps whatever a command threw onto the exit-code contract (Temporal's own errors are mapped in session.ts). */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (isClientInputError(err)) return new UsageError(err.message);
  return new CliError(err instanceof Error ? err.message : String(err), exitCodes.failed);
}

/**
 * The client's input errors, loaded only when an error that is not a CliError needs sorting: their modules load the
 * Temporal client, which every command would otherwise pay for at start, `scene-video health` (the image's
 * HEALTHCHECK, every 30 s) included.
 */
function isClientInputError(err: unknown): err is Error {
  /* eslint-disable @typescript-eslint/no-require-imports -- tsx/cjs cannot import() .ts files; see commands/index.ts */
  const { InvalidInputError } = require('../client/input-validation') as typeof import('../client/input-validation');
  const { SceneIdentityMismatchError } =
    require('../client/scene-identity-check') as typeof import('../client/scene-identity-check');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return err instanceof InvalidInputError || err instanceof SceneIdentityMismatchError;
}

/** The cause is what a person needs ("every provider failed …"), not the wrapper's "Workflow execution failed". */
export function describeWorkflowFailure(err: WorkflowFailedError): string {
  return err.cause?.message ? `workflow failed: ${err.cause.message}` : err.message;
}

/**
 * Signing a clip URL found no S3 credentials (no S3_* keys, and nothing in the SDK's default chain): a configuration
 * problem, exit 2 with what to set, for every command that presigns. Other errors are returned as they are.
 */
export function s3CredentialsError(err: unknown): unknown {
  if ((err as Error | undefined)?.name !== 'CredentialsProviderError') return err;
  return new CliError(
    `Cannot sign the URL: no S3 credentials (${(err as Error).message}).`,
    exitCodes.usage,
    'Set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or AWS credentials the SDK finds) to ones that may read the bucket.',
  );
}
