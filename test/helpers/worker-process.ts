import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Sandbox } from '../../dev/sandbox';
import { stackInfo } from './stack-info';
import { workerEnv } from './worker-env';

const root = join(__dirname, '..', '..');

/** The real `src/worker/main.ts` entry in its own process, configured only through its environment, so it can be SIGKILLed. */
export function spawnWorkerProcess(opts: {
  taskQueue: string;
  sandbox: Sandbox;
  extraEnv?: NodeJS.ProcessEnv;
}): ChildProcess & {
  output: () => string;
} {
  let output = '';
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(root, 'src', 'worker', 'main.ts')], {
    cwd: root,
    env: { ...workerEnv(stackInfo(), opts.sandbox, { taskQueue: opts.taskQueue }), ...opts.extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}
