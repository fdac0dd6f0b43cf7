import { resolveTool } from '../../../dev/stack/provision';
import { startS3Server, type S3Server } from '../../../dev/stack/s3-server';

/**
 * Brings a stopped S3 server back on the same port, data directory and bucket, as a storage outage ends. The root
 * credentials are the same too (`startS3Server` keeps them in the data directory), so running workers carry on.
 */
export async function restartS3Server(previous: S3Server, logDir: string): Promise<S3Server> {
  return startS3Server({
    binary: await resolveTool('versitygw', () => undefined),
    dataDir: previous.dataDir,
    bucket: previous.bucket,
    port: Number(new URL(previous.endpoint).port),
    logDir,
  });
}
