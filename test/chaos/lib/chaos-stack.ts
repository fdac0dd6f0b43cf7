import type { S3Endpoint } from '../../../dev/stack/s3-server';

/** What a chaos scenario runs on: the global test stack under vitest, or the runner's own restartable stack. */
export interface ChaosStack {
  temporalAddress: string;
  namespace: string;
  s3: S3Endpoint;
}
