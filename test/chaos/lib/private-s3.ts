import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTool } from '../../../dev/stack/provision';
import { startS3Server, type S3Server } from '../../../dev/stack/s3-server';
import type { StorageControl } from './storage-control';

/**
 * Runs `body` with an S3 server of its own (bucket `bucket`), which it may take down and bring back: the global one
 * is shared by every test file and must stay up. The server is stopped and its data removed afterwards.
 */
export async function withPrivateS3<T>(bucket: string, body: (storage: StorageControl) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'chaos-s3-'));
  const logDir = join(dir, 'logs');
  mkdirSync(logDir);
  let server: S3Server = await startS3Server({
    binary: await resolveTool('versitygw', () => undefined),
    dataDir: join(dir, 's3'),
    bucket,
    logDir,
  });
  try {
    return await body({
      endpoint: () => server,
      stop: () => server.stop(),
      start: async () => {
        server = await server.startAgain();
      },
    });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
