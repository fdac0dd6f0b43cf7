import type { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { connectFromEnv, loadClientEnv, startSceneVideo, waitForSceneVideo } from '../../src/client';
import { sceneWorkflowType } from '../../src/contract/scene-workflow';
import { sceneWorkflowBundle } from '../../src/worker/create-worker';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver';
import { stackInfo } from '../helpers/stack-info';
import { uniqueTaskQueue } from '../helpers/temporal';
import { spawnTestWorker } from '../helpers/worker-process';

const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  version: string;
};
const clientKind = 3;

let sandbox: Sandbox;
let receiver: OtlpReceiver;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: { default: { queueMs: 100, renderMs: 600 } } });
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

/** The one span of this name; its name in the failure message is what a missing link needs to be found. */
function only(spans: ReceivedSpan[], name: string | RegExp): ReceivedSpan {
  const found = spans.filter((s) => (typeof name === 'string' ? s.name === name : name.test(s.name)));
  expect(
    found.map((s) => s.name),
    `spans named ${String(name)} among ${spans.map((s) => s.name).join(', ')}`,
  ).toHaveLength(1);
  return found[0]!;
}

describe('traces', () => {
  it("one trace from the client's start through the workflow and its activities to the provider's create call", async () => {
    const stack = stackInfo();
    const taskQueue = uniqueTaskQueue('tracing');
    const worker = spawnTestWorker({
      taskQueue,
      sandbox,
      extraEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    });
    let stopped = false;
    try {
      await worker.ready;
      expect(worker.output()).toContain(
        `scene-video worker traces to ${receiver.endpoint}/v1/traces (OTLP/HTTP) as service scene-video-worker`,
      );
      const session = await connectFromEnv(
        loadClientEnv({
          TEMPORAL_CONFIG_FILE: devNull,
          TEMPORAL_ADDRESS: stack.temporalAddress,
          TEMPORAL_NAMESPACE: stack.namespace,
          TEMPORAL_TASK_QUEUE: taskQueue,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        }),
      );
      let history: temporal.api.history.v1.IHistory;
      try {
        const started = await startSceneVideo(
          session.client,
          {
            sceneId: `tracing-${taskQueue.slice(-8)}`,
            sceneType: 'broll',
            prompt: 'A lighthouse at dusk',
            durationSec: 5,
            aspectRatio: '16:9',
            polling: { intervalMs: 200, providerDeadlineMs: 60_000 },
          },
          { taskQueue },
        );
        const result = await waitForSceneVideo(session.client, started.workflowId);
        expect(result.stored).toBe(true);
        history = await started.handle.fetchHistory();
      } finally {
        // Each flushes its spans as it closes: the client's start, then everything the worker did.
        await session.close();
      }
      await worker.stop();
      stopped = true;
      expect(worker.exitCode, worker.output().slice(-2000)).toBe(0);

      const start = only(receiver.spans(), `StartWorkflow:${sceneWorkflowType}`);
      const trace = receiver.spans().filter((s) => s.traceId === start.traceId);
      const run = only(trace, `RunWorkflow:${sceneWorkflowType}`);
      const scheduleCreate = only(trace, 'StartActivity:createTask');
      const runCreate = only(trace, 'RunActivity:createTask');
      const create = only(
        trace.filter((s) => s.parentSpanId === runCreate.spanId && s.kind === clientKind),
        /^(PiAPI|Runway) POST \//,
      );
      expect(run.parentSpanId).toBe(start.spanId);
      expect(scheduleCreate.parentSpanId).toBe(run.spanId);
      expect(runCreate.parentSpanId).toBe(scheduleCreate.spanId);
      expect(create.attributes).toEqual({
        'http.request.method': 'POST',
        'url.template': expect.stringMatching(/^\/[a-z0-9_/]+$/) as unknown,
        'server.address': '127.0.0.1',
        'http.response.status_code': expect.any(Number) as unknown,
      });
      expect(create.attributes['http.response.status_code']).toBeLessThan(300);
      // The rest of the scene in the same trace: its other activities, each under the workflow run.
      for (const activity of ['checkTask', 'uploadToS3']) {
        expect(only(trace, `StartActivity:${activity}`).parentSpanId).toBe(run.spanId);
      }
      // Whatever the worker traced of this scene (a circuit query, checkTask's progress signal too) is in this trace;
      // outside it only the worker's own account read before it polled, a trace of its own.
      const elsewhere = receiver
        .spans()
        .filter((s) => s.traceId !== start.traceId && s.resource['service.name'] !== 'scene-video-client');
      expect(elsewhere.map((s) => s.name)).toEqual(['Runway GET /v1/organization']);
      expect(elsewhere[0]!.parentSpanId || undefined).toBeUndefined();
      const ids = new Set(trace.map((s) => s.spanId));
      for (const s of trace) if (s !== start) expect(ids, `${s.name}'s parent`).toContain(s.parentSpanId);

      expect(start.resource).toMatchObject({ 'service.name': 'scene-video-client', 'service.version': version });
      for (const s of [run, runCreate, create]) {
        expect(s.resource, s.name).toMatchObject({ 'service.name': 'scene-video-worker', 'service.version': version });
      }
      const exported = receiver.bodies().join('\n');
      for (const secret of [sandbox.apiKeys.piapi, sandbox.apiKeys.runway, stack.s3.secretAccessKey]) {
        expect(exported).not.toContain(secret);
      }

      // What tracing changes in the history: a trace header on each activity scheduled, no command. A worker without
      // tracing replays it.
      const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes);
      expect(scheduled.length).toBeGreaterThan(0);
      for (const e of scheduled) {
        expect(Object.keys(e.activityTaskScheduledEventAttributes?.header?.fields ?? {})).toEqual(['_tracer-data']);
      }
      await Worker.runReplayHistory({ workflowBundle: await sceneWorkflowBundle('plain') }, history);
    } finally {
      if (!stopped) await worker.stop(5_000);
    }
  });
});
