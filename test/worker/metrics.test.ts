import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { workerEnv } from '../../dev/harness/worker-env';
import { scrapeMetrics, sumOf, type MetricSample } from '../../dev/stack/prometheus-scrape';
import { spawnWorkerProcess, type WorkerProcess } from '../../dev/harness/worker-process';
import { freePort } from '../../dev/stack/free-port';
import { startSceneVideo } from '../../src/client';
import { pipelineMetrics } from '../../src/contract/metrics';
import { installWithMetrics } from '../../src/worker/runtime';
import { sandboxKey } from '../helpers/scene-harness';
import { stackInfo } from '../helpers/stack-info';
import { connectClient, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';

const m = pipelineMetrics;
const queueMs = 300;
const renderMs = 1_500;

let sandbox: Sandbox;
beforeAll(async () => {
  // A hook scene ranks runway first, then kling: runway's moderation refuses the prompt, kling renders the clip.
  sandbox = await startSandbox({
    scenario: {
      default: { queueMs, renderMs },
      models: { [sandboxKey('runway')]: { faults: [{ kind: 'content_policy' }] } },
    },
  });
});
afterAll(async () => {
  await sandbox?.close();
});

describe('worker metrics endpoint', () => {
  it("serves the SDK's metrics and the pipeline's for a scene that falls back, by provider, without ids", async () => {
    const port = await freePort();
    const taskQueue = uniqueTaskQueue('metrics');
    const url = `http://127.0.0.1:${port}/metrics`;
    const env = { ...workerEnv(stackInfo(), sandbox, { taskQueue }), WORKER_METRICS_ADDRESS: `127.0.0.1:${port}` };
    const { client, connection } = await connectClient();
    let worker: WorkerProcess | undefined;
    try {
      worker = spawnWorkerProcess({ env, readyTimeoutMs: 60_000 });
      await worker.ready;
      expect(worker.output()).toContain(`scene-video worker metrics on ${url} (Prometheus)`);

      const sceneId = `fallback-${randomUUID().slice(0, 8)}`;
      const started = await startSceneVideo(
        client,
        {
          sceneId,
          projectId: 'metrics-project',
          sceneType: 'hook',
          prompt: 'Opening shot over the city',
          durationSec: 5,
          aspectRatio: '16:9',
          polling: { intervalMs: 200, providerDeadlineMs: 60_000 },
        },
        { taskQueue },
      );
      const result = await started.handle.result();
      expect(result.attempts.map((a) => [a.provider, a.state])).toEqual([
        ['runway', 'failed'],
        ['kling', 'succeeded'],
      ]);

      // The workflow's metrics leave through a sink after its last task: the scrape may precede them by a moment.
      const samples = await waitFor(async () => {
        const scraped = await scrapeMetrics(url);
        return sumOf(scraped, m.scenes.name) > 0 ? scraped : undefined;
      }, 10_000);
      const sum = (name: string, labels: Record<string, string> = {}) => sumOf(samples, name, labels);

      expect(
        samples.some((s) => s.name.startsWith('temporal_')),
        'the SDK exports its own metrics',
      ).toBe(true);

      expect(sum(m.attempts.name, { provider: 'runway', outcome: 'failed', reason: 'content_policy_input' })).toBe(1);
      expect(sum(m.attempts.name, { provider: 'kling', outcome: 'succeeded', reason: 'succeeded' })).toBe(1);
      expect(sum(m.attempts.name)).toBe(2);
      expect(
        sum(m.fallbacks.name, { from_provider: 'runway', to_provider: 'kling', reason: 'content_policy_input' }),
      ).toBe(1);
      expect(sum(m.fallbacks.name)).toBe(1);
      expect(sum(m.scenes.name, { outcome: 'succeeded', scene_type: 'hook' })).toBe(1);

      // Kling's task times come from PiAPI's own clock: started after the sandbox's queue time, ended after its render.
      const kling = { provider: 'kling' };
      expect(sum(`${m.renderSeconds.name}_count`, { ...kling, outcome: 'succeeded' })).toBe(1);
      expect(sum(`${m.renderSeconds.name}_sum`, kling)).toBeGreaterThanOrEqual((renderMs - 50) / 1000);
      expect(sum(`${m.renderSeconds.name}_sum`, kling)).toBeLessThan((renderMs + 1_000) / 1000);
      expect(sum(`${m.renderSeconds.name}_bucket`, { ...kling, le: '5' })).toBe(1);
      expect(sum(`${m.queueSeconds.name}_count`, kling)).toBe(1);
      expect(sum(`${m.queueSeconds.name}_sum`, kling)).toBeGreaterThanOrEqual((queueMs - 50) / 1000);
      expect(sum(`${m.detectionDelaySeconds.name}_count`, kling)).toBe(1);
      // Runway's tasks say only when they were created: its polls measure the failed task's render and queue (never
      // throttled here) time, and no detection delay, which only the provider's clock could tell, is recorded.
      const runway = { provider: 'runway' };
      expect(sum(`${m.renderSeconds.name}_count`, { ...runway, outcome: 'failed' })).toBe(1);
      expect(sum(`${m.queueSeconds.name}_count`, runway)).toBe(1);
      expect(sum(`${m.queueSeconds.name}_sum`, runway)).toBe(0);
      expect(sum(`${m.detectionDelaySeconds.name}_count`, runway)).toBe(0);

      // Spend: each provider's billed sum is what the scene's result counts it, the estimate its attempts' estimates.
      for (const provider of ['runway', 'kling']) {
        const labels = { provider, scene_type: 'hook' };
        const attempts = result.attempts.filter((a) => a.provider === provider);
        expect(sum(`${m.billedUsd.name}_sum`, labels)).toBeCloseTo(result.costByProvider[provider] ?? 0, 6);
        expect(sum(`${m.billedUsd.name}_count`, labels)).toBe(attempts.length);
        const estimate = attempts.reduce((total, a) => total + (a.estimateUsd ?? 0), 0);
        expect(sum(`${m.estimatedUsd.name}_sum`, labels)).toBeCloseTo(estimate, 6);
      }
      // Runway bills a moderated generation: the failed attempt's charge is runway's.
      expect(result.costByProvider.runway).toBeGreaterThan(0);

      expect(sum(m.uploadBytes.name, kling)).toBe(result.bytes);
      expect(sum(`${m.uploadSeconds.name}_count`, { ...kling, outcome: 'succeeded' })).toBe(1);
      for (const provider of ['runway', 'kling']) expect(sum(m.tasksInFlight.name, { provider })).toBe(0);

      const calls = (endpoint: string) => sum(m.httpRequests.name, { endpoint, status_class: '2xx' });
      expect(calls('Runway POST /v1/text_to_video')).toBe(1);
      expect(calls('Runway GET /v1/tasks/{id}')).toBeGreaterThanOrEqual(1);
      expect(calls('PiAPI POST /api/v1/task')).toBe(1);
      expect(calls('PiAPI GET /api/v1/task/{id}')).toBeGreaterThanOrEqual(1);
      expect(sum(`${m.httpSeconds.name}_count`)).toBe(sum(m.httpRequests.name));

      const ids = [sceneId, started.workflowId, ...result.attempts.map((a) => a.taskId!)];
      const desc = await started.handle.describe();
      ids.push(desc.runId);
      const pipeline = samples.filter((s) => s.name.startsWith('scene_video_'));
      expect(pipeline.length).toBeGreaterThan(0);
      const leaks = samples.filter((s: MetricSample) =>
        Object.values(s.labels).some((value) => ids.some((id) => value.includes(id))),
      );
      expect(leaks).toEqual([]);
    } finally {
      await worker?.stop(5_000);
      await connection.close();
    }
  });

  it('a taken metrics port stops the worker at start, exit 1, naming the variable', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const env = {
        ...workerEnv(stackInfo(), sandbox, { taskQueue: uniqueTaskQueue('metrics-taken') }),
        WORKER_METRICS_ADDRESS: `127.0.0.1:${port}`,
      };
      const worker = spawnWorkerProcess({ env });
      await worker.exited;
      expect(worker.exitCode).toBe(1);
      expect(worker.output()).toMatch(
        new RegExp(
          `Cannot serve metrics at 127\\.0\\.0\\.1:${port} \\(.*Address already in use.*\\): ` +
            'set WORKER_METRICS_ADDRESS to a free ip:port, or unset it to export no metrics\\.',
        ),
      );
      expect(worker.output()).not.toContain('scene-video worker on ');
    } finally {
      taken.close();
    }
  });

  it('a runtime installed already is not reported as a port that cannot be bound', async () => {
    // This test process runs no worker of its own: the runtime it installs is its only one.
    Runtime.install({});
    const address = `127.0.0.1:${await freePort()}`;
    expect(() => installWithMetrics({}, { address, remedy: 'set WORKER_METRICS_ADDRESS to a free ip:port' })).toThrow(
      /^Runtime singleton has already been installed/,
    );
  });
});
