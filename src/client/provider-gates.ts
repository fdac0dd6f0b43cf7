import type { Client } from '@temporalio/client';
import { gateState, providerGateWorkflowType, setGateLimit, type GateView } from '../contract/provider-gate';
import { providerGateWorkflowId } from '../contract/workflow-ids';

/** Every running provider gate's state (its query), ordered by task queue and provider. */
export async function listProviderGates(client: Client): Promise<GateView[]> {
  const query = `WorkflowType = '${providerGateWorkflowType}' AND ExecutionStatus = 'Running'`;
  const views: GateView[] = [];
  for await (const run of client.workflow.list({ query })) {
    views.push(await client.workflow.getHandle(run.workflowId).query(gateState));
  }
  return views.sort((a, b) => a.taskQueue.localeCompare(b.taskQueue) || a.provider.localeCompare(b.provider));
}

/** An operator's in-flight limit for one gate (null: back to the catalogue's); answers the gate's state after it. */
export function setProviderGateLimit(
  client: Client,
  gate: { taskQueue: string; provider: string },
  limit: number | null,
): Promise<GateView> {
  const handle = client.workflow.getHandle(providerGateWorkflowId(gate.taskQueue, gate.provider));
  return handle.executeUpdate(setGateLimit, { args: [{ limit }] });
}
