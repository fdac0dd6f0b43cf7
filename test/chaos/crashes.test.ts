import { describe, it } from 'vitest';
import { expectClean } from './expect-clean';
import { globalChaosStack } from './global-stack';
import { passed, printFigures } from './lib/report';
import { withPrivateS3 } from './lib/private-s3';
import { storageOutage } from './scenarios/storage-outage';
import { targetedKills } from './scenarios/targeted-kills';
import { workerKills } from './scenarios/worker-kills';

describe.concurrent('crashes and outages', () => {
  it('a worker SIGKILLed during createTask, checkTask or uploadToS3 loses no scene and pays once', async () => {
    expectClean(await targetedKills(globalChaosStack()));
  }, 300_000);

  it('SIGKILLs aimed at each activity type in a batch: each one lands, no scene is lost or paid twice', async () => {
    // The full scenario in miniature: a 20 s window, too short for random kills to hit every type by luck.
    const lines: string[] = [];
    const report = await workerKills(globalChaosStack(), {
      soloScenes: 2,
      projects: 1,
      scenesPerProject: 7,
      killWindowMs: 20_000,
      killAfterMs: [2_000, 7_000],
      settleMs: 4 * 60_000,
      log: (line) => lines.push(line),
    });
    // A failure comes with the whole story: each kill, what it interrupted, the ledger and storage figures.
    if (!passed(report)) printFigures({ ...report, figures: [...lines, ...report.figures] });
    expectClean(report);
  }, 360_000);

  it('a short S3 outage mid-upload: uploads retry and succeed, and nothing half-written remains', async () => {
    // Its own S3 server: the global one is shared by every test file and must stay up.
    await withPrivateS3('chaos-outage', async (storage) => {
      expectClean(
        await storageOutage(globalChaosStack(), storage, {
          scenes: 2,
          downMs: 8_000,
          videoBytes: 12 * 1024 * 1024,
          bytesPerSec: 3 * 1024 * 1024,
        }),
      );
    });
  }, 240_000);
});
