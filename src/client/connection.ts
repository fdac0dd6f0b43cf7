import { Client, Connection } from '@temporalio/client';
import { checkNamespaceSetup } from '../config/namespace-search-attributes';
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

export interface ConnectOptions {
  /**
   * Check once, at connect, that the namespace has the search attributes scene-video writes, with their types (one
   * ListSearchAttributes call); a NamespaceSetupError says which are missing or wrong and how to fix it. On by
   * default; a server that refuses the call (Temporal Cloud) or does not answer it skips the check.
   */
  checkSearchAttributes?: boolean;
}

export async function connectFromEnv(
  env: ClientEnv = loadClientEnv(),
  options: ConnectOptions = {},
): Promise<SceneVideoClient> {
  let connection: Connection;
  try {
    connection = await Connection.connect(env.temporal.connectionOptions);
  } catch (err) {
    throw new Error(
      `Cannot connect to Temporal at ${env.temporal.address} (${withoutSecrets((err as Error).message, env.temporal)}). ${unreachableHint}`,
    );
  }
  if (options.checkSearchAttributes !== false) {
    try {
      await checkNamespaceSetup(connection, env.temporal.namespace);
    } catch (err) {
      await connection.close();
      throw err;
    }
  }
  return {
    client: new Client({ connection, namespace: env.temporal.namespace }),
    taskQueue: env.taskQueue,
    close: () => connection.close(),
  };
}
