import type { NativeConnection, Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../src/activities';
import { createSceneWorker } from '../../src/worker/create-worker';
import type { Sandbox } from '../../dev/sandbox';

export interface SandboxWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  sandbox: Sandbox;
  /** The activities' dependencies, wired to `sandbox` (see `sandboxActivityDeps`). */
  deps: ActivityDeps;
}

export interface SandboxWorker {
  worker: Worker;
  /** Drains the worker, then closes its connection, the sandbox and the S3 client. */
  close(): Promise<void>;
}

/**
 * The real scene worker, in this process, running on `taskQueue` with activities that talk to a sandbox. Heartbeats
 * reach the server within a second, so progress and kills show quickly. If the worker cannot start, what it was given
 * is closed before the error is thrown.
 */
export async function runSandboxWorker(opts: SandboxWorkerOptions): Promise<SandboxWorker> {
  const { connection, namespace, taskQueue, sandbox, deps } = opts;
  const release = async () => {
    await connection.close();
    await sandbox.close();
    deps.s3.destroy();
  };
  let worker: Worker;
  try {
    worker = await createSceneWorker({
      connection,
      namespace,
      taskQueue,
      deps,
      maxHeartbeatThrottleInterval: '1 second',
    });
  } catch (err) {
    await release();
    throw err;
  }
  const running = worker.run();
  return {
    worker,
    async close() {
      worker.shutdown();
      await running;
      await release();
    },
  };
}
