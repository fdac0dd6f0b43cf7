import { Client, Connection } from '@temporalio/client';
import { startSandbox, type Sandbox, type ScenarioInput } from '../../dev/sandbox';
import { startStack, type Stack } from '../../dev/stack/stack';
import { step } from './progress';

/** A fresh stack (Temporal dev server + S3 server) and sandbox per benchmark, so no benchmark inherits another's load. */
export interface Rig {
  stack: Stack;
  sandbox: Sandbox;
  client: Client;
  connection: Connection;
}

export async function withRig<T>(scenario: ScenarioInput, fn: (rig: Rig) => Promise<T>): Promise<T> {
  const stack = await startStack({ uiPort: false, progress: (line) => step(`  stack: ${line}`) });
  let sandbox: Sandbox | undefined;
  let connection: Connection | undefined;
  try {
    sandbox = await startSandbox({ scenario });
    connection = await Connection.connect({ address: stack.temporal.address });
    const client = new Client({ connection, namespace: stack.temporal.namespace });
    return await fn({ stack, sandbox, client, connection });
  } finally {
    await connection?.close();
    await sandbox?.close();
    await stack.stop();
  }
}
