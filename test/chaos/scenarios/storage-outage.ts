import { Client, Connection } from '@temporalio/client';
import { startSceneVideo } from '../../../src/client';
import { startSandbox } from '../../../dev/sandbox';
import type { ChaosStack } from '../lib/chaos-stack';
import { concludeScenario } from '../lib/conclude';
import { activitiesInFlight } from '../lib/in-flight';
import { collectOutcomes, promptTag, waitForWorkflows } from '../lib/outcomes';
import { emptyReport, tallyStored, type ScenarioReport } from '../lib/report';
import { chaosScene, input, runTag } from '../lib/scenes';
import type { StorageControl } from '../lib/storage-control';
import { WorkerSupervisor } from '../lib/worker-process';

export interface StorageOutageOptions {
  scenes: number;
  downMs: number;
  /** Above the 8 MiB part size, so the outage cuts real multipart uploads. */
  videoBytes: number;
  bytesPerSec: number;
}

/**
 * S3 goes away while clips stream into it and comes back on the same port and data: uploads retry and succeed, and
 * nothing half-written stays behind (no short objects, no unfinished multipart uploads).
 */
export async function storageOutage(
  stack: ChaosStack,
  storage: StorageControl,
  opts: StorageOutageOptions,
): Promise<ScenarioReport> {
  const report = emptyReport('storage outage');
  const tag = runTag('o');
  const prefix = `chaos-${tag}`;
  const taskQueue = `chaos-${tag}`;
  const sandbox = await startSandbox({
    scenario: {
      videoBytes: opts.videoBytes,
      default: { queueMs: 200, renderMs: 1_000, faults: [{ kind: 'download_slow', bytesPerSec: opts.bytesPerSec }] },
    },
  });
  const worker = new WorkerSupervisor({ stack, sandbox, taskQueue, s3Prefix: prefix, s3: storage.endpoint() });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  try {
    await worker.start();
    const scenes = Array.from({ length: opts.scenes }, (_, i) => chaosScene(tag, i));
    const ids: string[] = [];
    for (const scene of scenes) ids.push((await startSceneVideo(client, input(scene), { taskQueue })).workflowId);

    // Take S3 down once uploads are streaming and at least one has a whole part to send.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const uploading = (await activitiesInFlight(client, ids, 0)).get('uploadToS3') ?? 0;
      const stats = sandbox.stats();
      const streamed = Math.max(0, ...stats.tasks.map((t) => stats.downloads[t.taskId]?.bytes ?? 0));
      if (uploading >= Math.min(3, opts.scenes) && streamed > 8.5 * 1024 * 1024) break;
      if (Date.now() > deadline) throw new Error('uploads never got under way');
      await new Promise((r) => setTimeout(r, 200));
    }
    const inFlight = (await activitiesInFlight(client, ids, 0)).get('uploadToS3') ?? 0;
    await storage.stop();
    await new Promise((r) => setTimeout(r, opts.downMs));
    await storage.start();
    report.faults = 1;
    report.figures.push(`S3 down for ${opts.downMs / 1000} s with ${inFlight} upload(s) in flight`);

    const stuck = await waitForWorkflows(client, ids, 6 * 60_000);
    const outcomes = await collectOutcomes(client, scenes, ids, stuck);
    tallyStored(report, outcomes);
    const uploadsPerClip = scenes.map((s) => {
      const task = sandbox.stats().tasks.find((t) => t.prompt.includes(promptTag(s.tag)));
      return task ? (sandbox.stats().downloads[task.taskId]?.count ?? 0) : 0;
    });
    report.figures.push(`downloads per clip (1 = untouched by the outage): ${uploadsPerClip.join(', ')}`);
    return await concludeScenario(report, {
      client,
      sandbox,
      outcomes,
      stuck,
      storage: { endpoint: storage.endpoint(), prefix, videoBytes: opts.videoBytes },
    });
  } finally {
    await worker.stop();
    await connection.close();
    await sandbox.close();
  }
}
