import type { Sandbox } from '../../dev/sandbox';
import { workerEnv } from '../../dev/harness/worker-env';
import { spawnWorkerProcess, type WorkerProcess } from '../../dev/harness/worker-process';
import { stackInfo } from './stack-info';

/** The real `src/worker/main.ts` on the test stack, on `taskQueue`, its providers at `sandbox`. */
export function spawnTestWorker(opts: {
  taskQueue: string;
  sandbox: Sandbox;
  extraEnv?: NodeJS.ProcessEnv;
}): WorkerProcess {
  return spawnWorkerProcess({
    env: { ...workerEnv(stackInfo(), opts.sandbox, { taskQueue: opts.taskQueue }), ...opts.extraEnv },
  });
}
