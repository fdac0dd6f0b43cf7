import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';

export interface Started<T extends Workflow> {
  workflowId: string;
  /**
   * True for exactly one caller: the one whose request created the run. False when the business id already had a run
   * (running, or finished successfully), including one a concurrent caller started a moment earlier.
   */
  started: boolean;
  handle: WorkflowHandle<T>;
}

export interface AttachOptions<T extends Workflow> {
  /** Throws (and nothing is attached) when the run found under the id is not what the caller asked for. */
  verify?: (description: WorkflowExecutionDescription) => Promise<void>;
  /** Consulted when the id has no run to attach to, before starting one: the same work under another id. */
  fallback?: () => Promise<Started<T> | undefined>;
}

/** A run that must not be repeated: still running, or already succeeded. */
export async function attachable(
  client: Client,
  workflowId: string,
): Promise<WorkflowExecutionDescription | undefined> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    const { name } = description.status;
    return name === 'RUNNING' || name === 'COMPLETED' ? description : undefined;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/**
 * Starts a workflow under its business id, or attaches to the id's running or successful run, so a repeated call never
 * pays twice. Only a failed or cancelled run starts afresh.
 */
export async function startOrAttach<T extends Workflow>(
  client: Client,
  workflow: T | string,
  options: WorkflowStartOptions<T>,
  attach: AttachOptions<T> = {},
): Promise<Started<T>> {
  const { workflowId } = options;
  const attachTo = async (description: WorkflowExecutionDescription): Promise<Started<T>> => {
    await attach.verify?.(description);
    return { workflowId, started: false, handle: client.workflow.getHandle<T>(workflowId) };
  };
  const elsewhere = await attach.fallback?.();
  if (elsewhere) return elsewhere;
  // No look before the start: the server decides. The reuse policy refuses an id whose run is running or succeeded,
  // and the FAIL conflict policy answers every concurrent caller but one "already started", so exactly one is told
  // `started: true` (USE_EXISTING answered all of them as if they had started it); the others attach to the run found.
  // A run that fails between the refusal and the look frees the id again, hence the few rounds.
  for (let round = 0; ; round++) {
    try {
      const handle = await client.workflow.start<T>(workflow, {
        ...options,
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      } as WorkflowStartOptions<T>);
      return { workflowId, started: true, handle };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const winner = await attachable(client, workflowId);
      if (winner) return attachTo(winner);
      if (round >= 2) throw err;
    }
  }
}
