import type { S3Endpoint } from '../../../dev/stack/s3-server';

/** An S3 server a scenario may take down and bring back (same port, data and credentials). */
export interface StorageControl {
  endpoint(): S3Endpoint;
  stop(): Promise<void>;
  start(): Promise<void>;
}
