import type { TestProject } from 'vitest/node';
import { startStack, type Stack } from '../dev/stack/stack';
import type { StackInfo } from './helpers/stack-info';

let stack: Stack | undefined;

/** One real stack (Temporal dev server + S3 server) for the whole run; files connect to it, never start their own. */
export async function setup(project: TestProject): Promise<void> {
  if (process.env.SVW_NO_STACK === '1') return;
  stack = await startStack({ uiPort: undefined });
  const info: StackInfo = {
    temporalAddress: stack.temporal.address,
    namespace: stack.temporal.namespace,
    uiUrl: stack.temporal.uiUrl,
    metricsUrl: stack.temporal.metricsUrl,
    s3: {
      endpoint: stack.s3.endpoint,
      region: stack.s3.region,
      bucket: stack.s3.bucket,
      accessKeyId: stack.s3.accessKeyId,
      secretAccessKey: stack.s3.secretAccessKey,
      forcePathStyle: true,
      dataDir: stack.s3.dataDir,
    },
    temporalPid: stack.temporal.process.pid,
  };
  project.provide('stack', info);
}

export async function teardown(): Promise<void> {
  await stack?.stop();
}
