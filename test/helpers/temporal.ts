import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { stackInfo } from './stack-info';

let runtimeInstalled = false;

/** Quiet the worker's own logging in tests; each forked test file is its own process. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export async function connectClient(): Promise<{ client: Client; connection: Connection }> {
  const { temporalAddress, namespace } = stackInfo();
  const connection = await Connection.connect({ address: temporalAddress });
  return { client: new Client({ connection, namespace }), connection };
}

export async function connectWorker(): Promise<NativeConnection> {
  installQuietRuntime();
  return NativeConnection.connect({ address: stackInfo().temporalAddress });
}

export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function bundle(workflowsPath: string): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
}
