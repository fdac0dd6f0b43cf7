import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox';
import { stackInfo } from './stack-info';

const root = join(__dirname, '..', '..');

/** The real `src/worker.ts` entry in its own process, configured only through its environment, so it can be SIGKILLed. */
export function spawnWorkerProcess(opts: {
  taskQueue: string;
  sandbox: Sandbox;
  extraEnv?: NodeJS.ProcessEnv;
}): ChildProcess & {
  output: () => string;
} {
  const stack = stackInfo();
  let output = '';
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(root, 'src', 'worker.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_NAMESPACE: stack.namespace,
      TEMPORAL_TASK_QUEUE: opts.taskQueue,
      PIAPI_BASE_URL: opts.sandbox.piapiBaseUrl,
      PIAPI_API_KEY: opts.sandbox.apiKeys.piapi,
      RUNWAY_BASE_URL: opts.sandbox.runwayBaseUrl,
      RUNWAY_API_KEY: opts.sandbox.apiKeys.runway,
      SANDBOX_ORIGIN: opts.sandbox.origin,
      S3_BUCKET: stack.s3.bucket,
      S3_ENDPOINT: stack.s3.endpoint,
      S3_REGION: stack.s3.region,
      S3_ACCESS_KEY_ID: stack.s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: stack.s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      ...opts.extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}
