import { S3Client } from '@aws-sdk/client-s3';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { ActivityDeps } from '../../../src/activities';
import { defaultCatalogue } from '../../../src/config/catalogue';
import { createSceneWorker } from '../../../src/create-worker';
import { createPiapiClient } from '../../../src/providers/piapi';
import { createRunwayClient } from '../../../src/providers/runway';
import { startSandbox, type Sandbox, type ScenarioInput } from '../../../src/sandbox';
import { s3ClientFor } from '../../../src/stack/s3-server';
import type { ChaosStack } from './chaos-stack';

let runtimeInstalled = false;

export interface LaneOptions {
  scenario: ScenarioInput;
  /** Provider APIs the worker has keys for; both by default. */
  routes?: ('piapi' | 'runway')[];
}

/** One isolated experiment: its own sandbox (own faults, own counters), S3 prefix and in-process worker. */
export interface Lane {
  sandbox: Sandbox;
  taskQueue: string;
  prefix: string;
  s3: S3Client;
  bucket: string;
  close(): Promise<void>;
}

export async function startLane(stack: ChaosStack, opts: LaneOptions): Promise<Lane> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    // Outcomes are checked from the workflows' results; the lanes' own log lines would only bury the verdicts.
    Runtime.install({ logger: new DefaultLogger('ERROR', () => undefined) });
  }
  const sandbox = await startSandbox({ scenario: opts.scenario });
  const s3 = s3ClientFor(stack.s3);
  const routes = new Set(opts.routes ?? ['piapi', 'runway']);
  const id = randomUUID().slice(0, 8);
  const prefix = `chaos/${id}`;
  const deps: ActivityDeps = {
    catalogue: defaultCatalogue,
    providers: {
      ...(routes.has('piapi')
        ? { piapi: createPiapiClient({ baseUrl: sandbox.piapiBaseUrl, apiKey: sandbox.apiKeys.piapi }) }
        : {}),
      ...(routes.has('runway')
        ? { runway: createRunwayClient({ baseUrl: sandbox.runwayBaseUrl, apiKey: sandbox.apiKeys.runway }) }
        : {}),
    },
    s3,
    storage: { bucket: stack.s3.bucket, prefix, failureMode: 'provider-url' },
    download: { sandboxOrigin: sandbox.origin, maxBytes: 512 * 1024 * 1024 },
    requestTimeoutMs: 5_000,
  };
  const connection = await NativeConnection.connect({ address: stack.temporalAddress });
  const taskQueue = `chaos-lane-${id}`;
  let worker: Worker;
  try {
    worker = await createSceneWorker({
      connection,
      namespace: stack.namespace,
      taskQueue,
      deps,
      maxHeartbeatThrottleInterval: '1 second',
    });
  } catch (err) {
    await connection.close();
    await sandbox.close();
    throw err;
  }
  const running = worker.run();
  return {
    sandbox,
    taskQueue,
    prefix,
    s3,
    bucket: stack.s3.bucket,
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await sandbox.close();
      s3.destroy();
    },
  };
}
