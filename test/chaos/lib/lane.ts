import type { S3Client } from '@aws-sdk/client-s3';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { startSandbox, type Sandbox, type ScenarioInput } from '../../../dev/sandbox';
import { sandboxActivityDeps } from '../../helpers/sandbox-deps';
import { runSandboxWorker } from '../../helpers/sandbox-worker';
import type { ChaosStack } from './chaos-stack';
import type { ProviderRoute } from '../../../src/contract/provider-task';

let runtimeInstalled = false;

export interface LaneOptions {
  scenario: ScenarioInput;
  /** Provider APIs the worker has keys for; both by default. */
  routes?: ProviderRoute[];
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
  const id = randomUUID().slice(0, 8);
  const prefix = `chaos/${id}`;
  const deps = sandboxActivityDeps(sandbox, stack.s3, { routes: opts.routes, prefix });
  const taskQueue = `chaos-lane-${id}`;
  const { close } = await runSandboxWorker({
    connection: await NativeConnection.connect({ address: stack.temporalAddress }),
    namespace: stack.namespace,
    taskQueue,
    sandbox,
    deps,
  });
  return { sandbox, taskQueue, prefix, s3: deps.s3, bucket: stack.s3.bucket, close };
}
