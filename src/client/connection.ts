import { Client, Connection } from '@temporalio/client';
import {
  loadTemporalConnection,
  taskQueueSchema,
  unreachableHint,
  withoutSecrets,
  type TemporalConnection,
} from '../config/temporal-connection';

export interface ClientEnv {
  temporal: TemporalConnection;
  taskQueue: string;
}

/** The connection as Temporal's SDKs and CLI read it (see `loadTemporalConnection`), and TEMPORAL_TASK_QUEUE. */
export function loadClientEnv(env: NodeJS.ProcessEnv = process.env): ClientEnv {
  return { temporal: loadTemporalConnection(env), taskQueue: taskQueueSchema.parse(env.TEMPORAL_TASK_QUEUE) };
}

export interface SceneVideoClient {
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export async function connectFromEnv(env: ClientEnv = loadClientEnv()): Promise<SceneVideoClient> {
  let connection: Connection;
  try {
    connection = await Connection.connect(env.temporal.connectionOptions);
  } catch (err) {
    throw new Error(
      `Cannot connect to Temporal at ${env.temporal.address} (${withoutSecrets((err as Error).message, env.temporal)}). ${unreachableHint}`,
    );
  }
  return {
    client: new Client({ connection, namespace: env.temporal.namespace }),
    taskQueue: env.taskQueue,
    close: () => connection.close(),
  };
}
