import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { resolveTool } from '../../src/stack/provision';
import { startS3Server, type S3Server } from '../../src/stack/s3-server';
import { expectClean } from './expect-clean';
import { globalChaosStack } from './global-stack';
import { restartS3Server } from './lib/s3-restart';
import { cancelDuringUpload } from './scenarios/cancel-during-upload';
import { unstoredOutcomes } from './scenarios/unstored-outcomes';

// Reduced `npm run test:chaos -- unstored-outcomes cancel-during-upload`.
describe.concurrent('how a scene ends when storage fails or a cancel meets the upload', () => {
  it('storage that cannot work stops the worker at start; storage lost after start ends scenes "unstored", exit 4', async () => {
    // Its own S3 server: the global one is shared by every test file and must stay up.
    const dir = await mkdtemp(join(tmpdir(), 'chaos-s3-'));
    const logDir = join(dir, 'logs');
    mkdirSync(logDir);
    let server: S3Server = await startS3Server({
      binary: await resolveTool('versitygw', () => undefined),
      dataDir: join(dir, 's3'),
      bucket: 'chaos-unstored',
      logDir,
    });
    try {
      const storage = {
        endpoint: () => server,
        stop: () => server.stop(),
        start: async () => {
          server = await restartS3Server(server, logDir);
        },
      };
      expectClean(await unstoredOutcomes(globalChaosStack(), storage, { scenes: 1 }));
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('a cancel before, during or after the upload leaves status, VideoStatus, CostUsd and the bucket in agreement', async () => {
    expectClean(
      await cancelDuringUpload(globalChaosStack(), {
        perTiming: 1,
        videoBytes: 3 * 1024 * 1024,
        bytesPerSec: 512 * 1024,
      }),
    );
  }, 240_000);
});
