import { join } from 'node:path';
import { portAcceptsConnections, waitUntil } from '../../../src/stack/free-port';
import { startManaged } from '../../../src/stack/managed-process';
import { resolveTool } from '../../../src/stack/provision';
import type { S3Server } from '../../../src/stack/s3-server';

/**
 * Brings a stopped S3 server back on the same port, data directory and root credentials, as a storage outage ends.
 * `startS3Server` cannot: it mints new credentials on every start, which running workers would not know.
 */
export async function restartS3Server(previous: S3Server, logDir: string): Promise<S3Server> {
  const port = new URL(previous.endpoint).port;
  const proc = startManaged({
    name: 'versitygw',
    command: await resolveTool('versitygw', () => undefined),
    args: [
      '--port',
      `127.0.0.1:${port}`,
      '--quiet',
      'posix',
      '--sidecar',
      join(previous.dataDir, 'meta'),
      join(previous.dataDir, 'objects'),
    ],
    env: { ...process.env, ROOT_ACCESS_KEY: previous.accessKeyId, ROOT_SECRET_KEY: previous.secretAccessKey },
    logFile: join(logDir, 'versitygw.log'),
  });
  await waitUntil('S3 server', () => portAcceptsConnections(Number(port)), 60_000, proc.exited);
  return { ...previous, process: proc, stop: () => proc.stop() };
}
