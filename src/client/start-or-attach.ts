import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
  type WorkflowStartOptions,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';

export interface Started<T extends Workflow> {
  workflowId: string;
  /** False when the business id already had a run (running, or finished successfully) and the call attached to it. */
  started: boolean;
  handle: WorkflowHandle<T>;
}

/** A run that must not be repeated: still running, or already succeeded. */
async function attachable<T extends Workflow>(
  client: Client,
  workflowId: string,
): Promise<WorkflowHandle<T> | undefined> {
  const handle = client.workflow.getHandle<T>(workflowId);
  try {
    const { status } = await handle.describe();
    return status.name === 'RUNNING' || status.name === 'COMPLETED' ? handle : undefined;
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
  workflow: T,
  options: WorkflowStartOptions<T>,
): Promise<Started<T>> {
  const { workflowId } = options;
  const existing = await attachable<T>(client, workflowId);
  if (existing) return { workflowId, started: false, handle: existing };
  try {
    // The policies close the race with a concurrent starter: a running run is reused, a successful one is not redone.
    const handle = await client.workflow.start(workflow, {
      ...options,
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    } as WorkflowStartOptions<T>);
    return { workflowId, started: true, handle };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { workflowId, started: false, handle: client.workflow.getHandle<T>(workflowId) };
    }
    throw err;
  }
}
