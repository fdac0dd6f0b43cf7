import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { startSceneVideo } from '../../../src/client';
import { startSandbox } from '../../../dev/sandbox';
import { s3ClientFor } from '../../../dev/stack/s3-server';
import { getProgress, type SceneProgress } from '../../../src/contract/scene-workflow';
import { searchAttributes } from '../../../src/contract/search-attributes';
import type { ChaosStack } from '../lib/chaos-stack';
import { concludeScenario } from '../lib/conclude';
import { collectOutcomes, promptTag, waitForWorkflows } from '../lib/outcomes';
import { emptyReport, type ScenarioReport } from '../lib/report';
import { chaosScene, input, runTag } from '../lib/scenes';
import { WorkerSupervisor } from '../lib/worker-process';

export interface CancelDuringUploadOptions {
  /** Scenes per cancel timing. */
  perTiming: number;
  videoBytes: number;
  /** Download speed: the upload lasts about videoBytes / bytesPerSec seconds. */
  bytesPerSec: number;
}

/** When the cancel is sent, relative to the scene's upload. */
const timings = ['rendering', 'uploading', 'after-upload'] as const;
type Timing = (typeof timings)[number];

/**
 * Scenes cancelled before (while the provider renders), during and after their upload. Whatever the timing, the run's
 * status, its VideoStatus, its CostUsd and the bucket must tell one story: a cancelled scene stored nothing and records
 * what the provider may charge; a scene whose clip was delivered before the cancel stores it, completes and records
 * its cost. Every task the provider completed is paid for, so its scene must show a cost.
 */
export async function cancelDuringUpload(stack: ChaosStack, opts: CancelDuringUploadOptions): Promise<ScenarioReport> {
  const report = emptyReport('cancel during upload');
  const tag = runTag('c');
  const prefix = `chaos-${tag}`;
  const taskQueue = `chaos-${tag}`;
  const sandbox = await startSandbox({
    scenario: {
      videoBytes: opts.videoBytes,
      default: { queueMs: 200, renderMs: 2_500, faults: [{ kind: 'download_slow', bytesPerSec: opts.bytesPerSec }] },
    },
  });
  const worker = new WorkerSupervisor({ stack, sandbox, taskQueue, s3Prefix: prefix });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  const s3 = s3ClientFor(stack.s3);
  try {
    await worker.start();
    const planned = timings.flatMap((timing) => Array.from({ length: opts.perTiming }, () => timing));
    const scenes = planned.map((_, i) =>
      chaosScene(tag, i, { polling: { intervalMs: 300, providerDeadlineMs: 120_000 } }),
    );
    const ids: string[] = [];
    for (const scene of scenes) ids.push((await startSceneVideo(client, input(scene), { taskQueue })).workflowId);

    const cancelledAt = await Promise.all(
      ids.map((id, i) => cancelAt(client.workflow.getHandle(id), planned[i]!, sandbox.stats, opts.videoBytes)),
    );
    report.faults = cancelledAt.filter(Boolean).length;

    const stuck = await waitForWorkflows(client, ids, 5 * 60_000);
    // An upload the old code left running stored its object seconds after the run closed: wait before looking.
    await new Promise((r) => setTimeout(r, 10_000));
    const outcomes = await collectOutcomes(client, scenes, ids, stuck);
    report.scenes = outcomes.length;

    const byTiming = new Map<Timing, { scenes: number; statuses: Map<string, number>; usd: number; objects: number }>();
    for (const [i, o] of outcomes.entries()) {
      if (o.status === 'stuck') continue;
      const timing = planned[i]!;
      const handle = client.workflow.getHandle(o.workflowId);
      const d = await handle.describe();
      const videoStatus = d.typedSearchAttributes.get(searchAttributes.videoStatus);
      const costUsd = d.typedSearchAttributes.get(searchAttributes.costUsd);
      const progress = await handle.query(getProgress).catch(() => undefined);
      // A cancelled run carries no failure details: its attempts (for the payment audit) come from the query.
      if (o.attempts.length === 0 && progress) o.attempts = progress.attempts;
      const listed = await s3.send(
        new ListObjectsV2Command({
          Bucket: stack.s3.bucket,
          Prefix: `${prefix}/${scenes[i]!.projectId}/${scenes[i]!.sceneId}/`,
        }),
      );
      const objects = (listed.Contents ?? []).map((c) => c.Key!);
      const task = sandbox.stats().tasks.find((t) => t.prompt.includes(promptTag(o.tag)));
      const delivered = task !== undefined && /^(completed|succeeded)$/i.test(task.status);

      const problems: string[] = [];
      const expectedStatus: Record<string, string[]> = {
        COMPLETED: ['succeeded', 'unstored'],
        CANCELLED: ['cancelled'],
        FAILED: ['failed'],
      };
      if (!expectedStatus[d.status.name]?.includes(videoStatus ?? '(none)'))
        problems.push(`run ${d.status.name} but VideoStatus ${videoStatus ?? '(none)'}`);
      const total = o.result?.totalCostUsd ?? progress?.totalCostUsd;
      if (costUsd === undefined) problems.push('no CostUsd recorded');
      else if (total !== undefined && costUsd !== total)
        problems.push(`CostUsd ${costUsd} but the scene's total is ${total}`);
      if (delivered && !(costUsd !== undefined && costUsd > 0))
        problems.push(`the provider delivered (and billed) task ${task.taskId} but CostUsd is ${costUsd ?? '(none)'}`);
      const expectedObjects = o.status === 'completed' && o.result?.stored ? [o.result.s3Key] : [];
      if (objects.join() !== expectedObjects.join())
        problems.push(`bucket holds [${objects.join(', ')}] but the run says [${expectedObjects.join(', ')}]`);
      if (problems.length > 0) report.problems.push(`${o.workflowId} (cancel ${timing}): ${problems.join('; ')}`);
      else report.completed++;

      const t = byTiming.get(timing) ?? { scenes: 0, statuses: new Map<string, number>(), usd: 0, objects: 0 };
      t.scenes++;
      t.statuses.set(`${d.status.name}/${videoStatus}`, (t.statuses.get(`${d.status.name}/${videoStatus}`) ?? 0) + 1);
      t.usd += costUsd ?? 0;
      t.objects += objects.length;
      byTiming.set(timing, t);
    }
    for (const [timing, t] of byTiming) {
      const statuses = [...t.statuses].map(([s, n]) => `${s} ×${n}`).join(', ');
      report.figures.push(
        `cancel ${timing}: ${t.scenes} scene(s) → ${statuses}; CostUsd $${t.usd.toFixed(4)} in all; ${t.objects} object(s)`,
      );
    }
    return await concludeScenario(report, {
      client,
      sandbox,
      outcomes,
      stuck,
      storage: { endpoint: stack.s3, prefix, videoBytes: opts.videoBytes },
    });
  } finally {
    s3.destroy();
    await worker.stop();
    await connection.close();
    await sandbox.close();
  }
}

/** Sends the cancel at its timing; false when the scene closed before that moment came. */
async function cancelAt(
  handle: WorkflowHandle,
  timing: Timing,
  stats: () => ReturnType<Awaited<ReturnType<typeof startSandbox>>['stats']>,
  videoBytes: number,
): Promise<boolean> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const d = await handle.describe();
    const p: SceneProgress | undefined = await handle.query(getProgress).catch(() => undefined);
    if (timing === 'after-upload' && d.status.name !== 'RUNNING') {
      await handle.cancel().catch(() => undefined);
      return true;
    }
    if (d.status.name !== 'RUNNING') return false;
    const attempt = p?.attempts.at(-1);
    const streamed = attempt?.taskId ? (stats().downloads[attempt.taskId]?.bytes ?? 0) : 0;
    if (timing === 'rendering' && attempt?.state === 'running') break;
    if (timing === 'uploading' && p?.phase === 'uploading' && streamed > 0 && streamed < videoBytes * 0.8) break;
    if (Date.now() > deadline) throw new Error(`${handle.workflowId}: the moment to cancel (${timing}) never came`);
    await new Promise((r) => setTimeout(r, 150));
  }
  await handle.cancel();
  return true;
}
