import { describe, it } from 'vitest';
import { expectClean } from './expect-clean';
import { globalChaosStack } from './global-stack';
import { withPrivateS3 } from './lib/private-s3';
import { cancelDuringUpload } from './scenarios/cancel-during-upload';
import { unstoredOutcomes } from './scenarios/unstored-outcomes';

// Reduced `npm run test:chaos -- unstored-outcomes cancel-during-upload`.
describe.concurrent('how a scene ends when storage fails or a cancel meets the upload', () => {
  it('storage that cannot work stops the worker at start; storage lost after start ends scenes "unstored", exit 4', async () => {
    // Its own S3 server: the global one is shared by every test file and must stay up.
    await withPrivateS3('chaos-unstored', async (storage) => {
      expectClean(await unstoredOutcomes(globalChaosStack(), storage, { scenes: 1 }));
    });
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
