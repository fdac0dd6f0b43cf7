import { inject } from 'vitest';
import type { WorkerStack } from '../../dev/harness/worker-env';
import type { S3Endpoint } from '../../dev/stack/s3-server';

/** The global test stack, as vitest's global setup hands it to every test file. */
export interface StackInfo extends WorkerStack {
  uiUrl?: string;
  metricsUrl: string;
  s3: S3Endpoint & { dataDir: string };
  temporalPid: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export function stackInfo(): StackInfo {
  const info = inject('stack');
  if (!info) throw new Error('No stack: this test needs the global Temporal/S3 stack (unset SVW_NO_STACK).');
  return info;
}
