import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import type { PollHeartbeat, PollStatusInput, PollStatusOutput } from '../../src/contract/activities';
import { pipelineMetrics } from '../../src/contract/metrics';
import { createPollStatus } from '../../src/activities/poll-status';
import { failureTypes } from '../../src/contract/scene-workflow';
import { PipelineMetrics } from '../../src/domain/pipeline-metrics';
import { recordingMeter } from '../helpers/recording-meter';
import { sandboxActivityDepsPerFile } from '../helpers/sandbox-deps-per-file';
import { gen45Body, runway } from '../sandbox/http';

const file = sandboxActivityDepsPerFile();

/** Two Runway tasks at concurrency 1: the second waits THROTTLED while the first renders for `renderMs`. */
async function throttledBehindAnother(renderMs: number): Promise<string> {
  file.sandbox.setScenario({
    default: { queueMs: 0, renderMs, latencyMs: 0 },
    models: { 'runway:gen4.5': { concurrency: 1 } },
  });
  const api = runway(file.sandbox);
  await api.textToVideo(gen45Body());
  const second = (await api.textToVideo(gen45Body())).json.id as string;
  expect((await api.get(second)).json.status).toBe('THROTTLED');
  return second;
}

/** `serverNowMs`: the server's clock when the poll was scheduled, which a worker's clock may be off from. */
function poll(
  taskId: string,
  deadlines: PollStatusInput['deadlines'],
  resumed?: PollHeartbeat,
  serverNowMs = Date.now(),
  metrics?: PipelineMetrics,
) {
  const env = new MockActivityEnvironment({
    scheduledTimestampMs: serverNowMs,
    currentAttemptScheduledTimestampMs: serverNowMs,
    heartbeatDetails: resumed,
  });
  const heartbeats: PollHeartbeat[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(structuredClone(details as PollHeartbeat)));
  const pollStatus = createPollStatus({ ...file.deps, metrics });
  const input: PollStatusInput = { provider: 'runway', route: 'runway', taskId, intervalMs: 100, deadlines };
  const done = env.run<[PollStatusInput], PollStatusOutput, typeof pollStatus>(pollStatus, input);
  return { done, heartbeats };
}

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('pollStatus and THROTTLED time', () => {
  it('counts throttled time apart: a task throttled and rendering for longer than the render deadline succeeds', async () => {
    const taskId = await throttledBehindAnother(1_500);
    const started = Date.now();
    const { done, heartbeats } = poll(taskId, { renderMs: 2_500, queueMs: 10_000 });
    const out = await done;
    expect(Date.now() - started).toBeGreaterThan(2_500);
    expect(out.snapshot.state).toBe('succeeded');
    expect(out.throttledMs).toBeGreaterThanOrEqual(1_000);
    expect(out.throttledMs).toBeLessThan(2_000);
    expect(heartbeats.some((b) => b.throttled === true && b.state === 'queued')).toBe(true);
    expect(heartbeats.at(-1)!.throttledMs).toBe(out.throttledMs);
  });

  it("records a Runway task's queue and render time as its polls measured them (it reports no times of its own)", async () => {
    const taskId = await throttledBehindAnother(1_500);
    const { meter, values } = recordingMeter();
    const started = Date.now();
    const out = await poll(
      taskId,
      { renderMs: 60_000, queueMs: 60_000 },
      undefined,
      Date.now(),
      new PipelineMetrics(meter),
    ).done;
    const polledMs = Date.now() - started;
    const recorded = (name: string) => values.filter((v) => v.name === name);
    const [queue] = recorded(pipelineMetrics.queueSeconds.name);
    const [render] = recorded(pipelineMetrics.renderSeconds.name);
    expect(queue).toMatchObject({ value: out.throttledMs! / 1000, tags: { provider: 'runway' } });
    expect(render!.tags).toEqual({ provider: 'runway', outcome: 'succeeded' });
    expect(render!.value).toBeGreaterThan(0);
    // Both are whole milliseconds of the poll's own clock, divided by 1000: compared in milliseconds, not floats.
    const measuredMs = Math.round((render!.value + queue!.value) * 1000);
    expect(measuredMs).toBeLessThanOrEqual(polledMs);
    expect(measuredMs).toBeGreaterThan(polledMs - 500);
    expect(recorded(pipelineMetrics.detectionDelaySeconds.name)).toEqual([]);
  });

  it('gives the task up once it has been throttled for longer than the queue deadline', async () => {
    const taskId = await throttledBehindAnother(5_000);
    const failure = await failureOf(poll(taskId, { renderMs: 60_000, queueMs: 500 }).done);
    expect(failure.type).toBe(failureTypes.deadlineMissed);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(
      new RegExp(
        `^runway task ${taskId}: \\d+ s throttled behind the account's concurrency limit, over the queue deadline of 500 ms \\(polling\\.queueDeadlineMs\\); the attempt gives the task up$`,
      ),
    );
    expect((failure.details?.[0] as { throttledMs: number }).throttledMs).toBeGreaterThan(500);
  });

  it('a retried poll goes on from the throttled time in its heartbeat', async () => {
    const taskId = await throttledBehindAnother(5_000);
    const resumed: PollHeartbeat = { taskId, polls: 7, signalled: false, throttledMs: 4_500 };
    const started = Date.now();
    const failure = await failureOf(poll(taskId, { renderMs: 60_000, queueMs: 4_000 }, resumed).done);
    expect(failure.message).toMatch(/: 5 s throttled .* over the queue deadline of 4000 ms/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('enforces the render deadline on the time not throttled', async () => {
    file.sandbox.setScenario({ default: { queueMs: 0, renderMs: 0, latencyMs: 0, faults: [{ kind: 'hang' }] } });
    const taskId = (await runway(file.sandbox).textToVideo(gen45Body())).json.id as string;
    const failure = await failureOf(poll(taskId, { renderMs: 600, queueMs: 60_000 }).done);
    expect(failure.type).toBe(failureTypes.deadlineMissed);
    expect(failure.message).toMatch(
      /: no result within the provider deadline \(polling\.providerDeadlineMs, 600 ms of it left when polling started\); the attempt gives the task up$/,
    );
  });

  it.each([
    ['behind', 10 * 60_000],
    ['ahead of', -10 * 60_000],
  ])('keeps the render deadline with the worker clock 10 min %s the server', async (_label, skewMs) => {
    file.sandbox.setScenario({ default: { queueMs: 0, renderMs: 0, latencyMs: 0, faults: [{ kind: 'hang' }] } });
    const hanging = (await runway(file.sandbox).textToVideo(gen45Body())).json.id as string;
    const started = Date.now();
    const failure = await failureOf(
      poll(hanging, { renderMs: 600, queueMs: 60_000 }, undefined, started + skewMs).done,
    );
    expect(failure.type).toBe(failureTypes.deadlineMissed);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('counts the time a retried poll waited since the first attempt, from the server timestamps', async () => {
    file.sandbox.setScenario({ default: { queueMs: 0, renderMs: 0, latencyMs: 0, faults: [{ kind: 'hang' }] } });
    const hanging = (await runway(file.sandbox).textToVideo(gen45Body())).json.id as string;
    const env = new MockActivityEnvironment({
      scheduledTimestampMs: 1_000,
      currentAttemptScheduledTimestampMs: 1_000 + 60_000,
      attempt: 2,
    });
    const pollStatus = createPollStatus(file.deps);
    const input: PollStatusInput = {
      provider: 'runway',
      route: 'runway',
      taskId: hanging,
      intervalMs: 100,
      deadlines: { renderMs: 30_000, queueMs: 60_000 },
    };
    const failure = await failureOf(env.run<[PollStatusInput], PollStatusOutput, typeof pollStatus>(pollStatus, input));
    expect(failure.type).toBe(failureTypes.deadlineMissed);
  });

  it('without deadlines (a poll scheduled by older workflow code) it leaves the deadline to the server', async () => {
    file.sandbox.setScenario({ default: { queueMs: 0, renderMs: 800, latencyMs: 0 } });
    const taskId = (await runway(file.sandbox).textToVideo(gen45Body())).json.id as string;
    const env = new MockActivityEnvironment({ scheduledTimestampMs: 1 });
    const pollStatus = createPollStatus(file.deps);
    const out = await env.run<[PollStatusInput], PollStatusOutput, typeof pollStatus>(pollStatus, {
      provider: 'runway',
      route: 'runway',
      taskId,
      intervalMs: 100,
    });
    expect(out.snapshot.state).toBe('succeeded');
  });
});
