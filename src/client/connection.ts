import { Client, Connection } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatZodError } from '../contract/format-zod-error';

/** Client connection settings in the Temporal convention; works for a local dev server and for Temporal Cloud. */
const clientEnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('scene-video'),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: z.enum(['true', 'false', '1', '0']).optional(),
  TEMPORAL_TLS_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().optional(),
});
export type ClientEnv = z.infer<typeof clientEnvSchema>;

export function loadClientEnv(env: NodeJS.ProcessEnv = process.env): ClientEnv {
  const parsed = clientEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid Temporal client environment: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

export interface SceneVideoClient {
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export async function connectFromEnv(env: ClientEnv = loadClientEnv()): Promise<SceneVideoClient> {
  const mtls =
    env.TEMPORAL_TLS_CERT_PATH && env.TEMPORAL_TLS_KEY_PATH
      ? {
          clientCertPair: {
            crt: readFileSync(env.TEMPORAL_TLS_CERT_PATH),
            key: readFileSync(env.TEMPORAL_TLS_KEY_PATH),
          },
        }
      : undefined;
  const tlsFlag = env.TEMPORAL_TLS === undefined ? undefined : env.TEMPORAL_TLS === 'true' || env.TEMPORAL_TLS === '1';
  let connection: Connection;
  try {
    connection = await Connection.connect({
      address: env.TEMPORAL_ADDRESS,
      apiKey: env.TEMPORAL_API_KEY,
      tls: mtls ?? tlsFlag ?? env.TEMPORAL_API_KEY !== undefined,
    });
  } catch (err) {
    throw new Error(
      `Cannot reach Temporal at ${env.TEMPORAL_ADDRESS} (${(err as Error).message}). Start one with \`npm run stack\` or set TEMPORAL_ADDRESS.`,
    );
  }
  return {
    client: new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }),
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    close: () => connection.close(),
  };
}
