import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DefaultLogger, NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { connectFromEnv, loadClientEnv } from '../../src/client/connection';
import { presignedUrlExpiry } from '../../src/client/object-urls';
import { startProjectVideos, waitForProjectVideos } from '../../src/client/project-videos';
import { waitForSceneVideo } from '../../src/client/scene-video';
import { loadContactSheet, writeContactSheet } from '../../src/cli/commands/report';
import { seconds, usd } from '../../src/cli/format';
import { Output } from '../../src/cli/output';
import { watchWorkflow } from '../../src/cli/watch';
import { loadWorkerEnv } from '../../src/config/environment';
import { loadCatalogue } from '../../src/config/load-catalogue';
import { activityDepsFromEnv, createSceneWorker } from '../../src/worker/create-worker';
import { installWithMetrics } from '../../src/worker/runtime';
import { startWebhookServer } from '../../src/webhooks/receiver';
import { inspectMp4 } from '../sandbox';
import { freePort } from '../stack/free-port';
import { s3ClientFor } from '../stack/s3-server';
import { startStack, stopOnSignals } from '../stack/stack';
import type { ProjectInput } from '../../src/contract/project-input';
import { providerSource } from './provider-source';
import { resultsTable, type SceneOutcome } from './results';

const root = resolve(__dirname, '..', '..');
const taskQueue = 'scene-video';
/** The image's metrics port (Dockerfile), on loopback. */
const demoMetricsPort = 9464;

/** The main job: the embedded stack, a worker, and the sample project, with live progress and a results table. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      keep: { type: 'boolean', default: false },
      project: { type: 'string', default: join(root, 'examples', 'launch-campaign.json') },
      scenario: { type: 'string', default: join(root, 'examples', 'sandbox-scenario.json') },
      'data-dir': { type: 'string', default: join(root, '.data') },
      'random-ports': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'npm run demo [-- --keep] [-- --project file.json] [-- --scenario sandbox.json]\n  --keep  leave the stack running for inspection, the worker serving its metrics at 127.0.0.1:9464/metrics',
    );
    return;
  }
  // Left up, the worker serves its Prometheus metrics (a scraper, the dashboard's check script): at a fixed port unless
  // --random-ports, as the stack's.
  const metricsAddress = values.keep
    ? `127.0.0.1:${values['random-ports'] ? await freePort() : demoMetricsPort}`
    : undefined;
  // One short line per warning (a provider falling through); the live view shows everything else.
  installWithMetrics(
    {
      logger: new DefaultLogger('WARN', (entry) => console.log(`  ${entry.level.toLowerCase()}: ${entry.message}`)),
    },
    metricsAddress === undefined
      ? undefined
      : {
          address: metricsAddress,
          remedy: `${demoMetricsPort} is the demo's metrics port with --keep: free it, or add --random-ports`,
        },
  );
  const started = Date.now();
  const say = (line: string) => console.log(`[demo ${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);

  say(`starting the embedded stack (Temporal dev server + S3 server; data under ${values['data-dir']})…`);
  const fixedPorts = values['random-ports'] ? {} : { temporalPort: 7233, uiPort: 8233, s3Port: 7070 };
  const stack = await startStack({ dataDir: values['data-dir'], ...fixedPorts, progress: (line) => say(line) });
  let stopWorker = () => {};
  let stopReceiver = async () => {};
  stopOnSignals(stack, () => stopWorker());
  try {
    const env = loadWorkerEnv({
      ...process.env,
      TEMPORAL_TASK_QUEUE: taskQueue,
      S3_ENDPOINT: stack.s3.endpoint,
      S3_BUCKET: stack.s3.bucket,
      S3_ACCESS_KEY_ID: stack.s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: stack.s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    });
    const source = await providerSource(env, values.scenario);
    say(source.description);
    // The demo's own stack, as its worker connects: nothing of the shell's TEMPORAL_* or Temporal profiles.
    const { client, close } = await connectFromEnv(loadClientEnv({ TEMPORAL_ADDRESS: stack.temporal.address }));
    // With the sandbox, webhooks first as a deployment would run them: the emulator notifies a receiver on loopback
    // (real providers cannot reach this machine, so they are polled).
    const webhooks = source.sandbox ? await demoWebhooks(client) : undefined;
    if (webhooks) {
      stopReceiver = () => webhooks.server.close();
      say(
        `webhook receiver on http://${webhooks.server.address}/webhooks/piapi/… (PiAPI tasks notify it; backstop every 60 s)`,
      );
    }

    const catalogue = loadCatalogue({ file: env.SCENE_VIDEO_CATALOGUE, disabled: env.SCENE_VIDEO_DISABLED_PROVIDERS });
    const deps = activityDepsFromEnv(webhooks ? { ...source.env, ...webhooks.env } : source.env, catalogue);
    const worker = await createSceneWorker({
      connection: await NativeConnection.connect({ address: stack.temporal.address }),
      namespace: 'default',
      taskQueue,
      deps,
    });
    stopWorker = () => worker.shutdown();
    const workerRun = worker.run();
    say(`worker running on task queue "${taskQueue}"`);

    const project = JSON.parse(readFileSync(values.project, 'utf8')) as ProjectInput;
    // The emulators answer at once; real providers ask for polls no more often than every 5 s.
    if (source.sandbox) project.polling ??= { intervalMs: 1_000, providerDeadlineMs: 10 * 60_000 };
    const { workflowId, started: fresh } = await startProjectVideos(client, project, { taskQueue });
    say(
      fresh
        ? `started project "${project.projectId}" (${project.scenes.length} scenes) as ${workflowId}`
        : `project "${project.projectId}" already ran: attaching to ${workflowId} (finished scenes are not redone)`,
    );

    const out = new Output(false);
    await watchWorkflow(client, workflowId, out, 1_000);
    const result = await waitForProjectVideos(client, workflowId);

    const s3 = s3ClientFor(stack.s3);
    const outcomes: SceneOutcome[] = [];
    for (const scene of result.scenes) {
      const detail = scene.phase === 'succeeded' ? await waitForSceneVideo(client, scene.workflowId) : undefined;
      const stored = detail?.s3Key
        ? await s3.send(new GetObjectCommand({ Bucket: stack.s3.bucket, Key: detail.s3Key }))
        : undefined;
      const clip = stored ? await inspectMp4(await stored.Body!.transformToByteArray()) : undefined;
      outcomes.push({ scene, detail, clip });
    }
    out.text(`\n${resultsTable(outcomes, out.paint)}`);
    out.text(
      `\nTotal: ${usd(result.totalCostUsd)} for ${result.counts.succeeded} of ${result.scenes.length} scenes; wall time ${seconds(Date.now() - started)}`,
    );
    // What `scene-video report` writes, through the same code.
    const sheet = await loadContactSheet(client, s3, result.projectId, {
      expiresInSec: presignedUrlExpiry.defaultSec,
      catalogue,
    });
    s3.destroy();
    const sheetPath = writeContactSheet(sheet, join(values['data-dir'], `contact-sheet-${result.projectId}.html`));
    const query = encodeURIComponent(`ProjectId="${result.projectId}"`);
    console.log(`\nWhere to look next:
  Web UI:  ${stack.temporal.uiUrl}/namespaces/default/workflows?query=${query}${values.keep ? '' : '  (run with --keep to leave it up)'}
  S3:      s3://${stack.s3.bucket}/ai-videos/${result.projectId}/ at ${stack.s3.endpoint} (files under ${join(values['data-dir'], 's3', 'objects')})
  CLI:     TEMPORAL_ADDRESS=${stack.temporal.address} npm run cli -- status ${workflowId}${
    metricsAddress ? `\n  Metrics: http://${metricsAddress}/metrics  (the worker's, while it stays up)` : ''
  }`);
    console.log(`\nContact sheet: ${sheetPath}
  Open it in a browser: its clips play from the demo's S3 server while that is up (${values.keep ? 'it is, until Ctrl-C' : 'npm run demo -- --keep'}), through URLs that expire in ${presignedUrlExpiry.defaultSec / 60} min.`);

    if (values.keep) {
      say('--keep: the stack and the worker stay up; press Ctrl-C to stop them.');
      await workerRun;
      await stopReceiver();
      await close();
      return;
    }
    worker.shutdown();
    await workerRun;
    await stopReceiver();
    await close();
    await source.sandbox?.close();
    if (result.counts.succeeded !== result.scenes.length) process.exitCode = 1;
  } finally {
    if (!values.keep) {
      say('stopping the stack…');
      await stack.stop();
    }
  }
}

/** A webhook receiver on a free loopback port, and the worker variables that point the tasks at it. */
async function demoWebhooks(client: Client) {
  const port = await freePort();
  const secret = randomBytes(32).toString('hex');
  const server = await startWebhookServer({ secret, client: client.workflow, host: '127.0.0.1', port });
  return { server, env: { WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${port}`, WEBHOOK_SECRET: secret } };
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
