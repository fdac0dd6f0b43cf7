import type { VersioningBehavior, WorkflowDefinitionOptions } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';

/**
 * A workflow type's versioning behaviour, declared only while a versioned worker (one of a Worker Deployment) runs it.
 * With SDK 1.24 an unversioned worker sends a declared behaviour along with every workflow task, and the server refuses
 * each ("versioning behavior cannot be specified without deployment options being set with versioned mode"), so a
 * static declaration would stall every run on the unversioned workers that need no versioning at all.
 *
 * The SDK evaluates this once per run in each worker's memory, at the run's first workflow task as recorded: a run
 * started on a versioned build keeps its behaviour on any later build; a run started on unversioned workers and moved
 * to a versioned build later gets the worker's default (`versionedWorkerOptions`).
 */
export function versionedBehavior(versioningBehavior: VersioningBehavior): () => WorkflowDefinitionOptions {
  return () => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior } : {});
}
