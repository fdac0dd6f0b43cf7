import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import {
  checkTaskRetryTypes,
  type PollHeartbeat,
  type PollStatusInput,
  type PollStatusOutput,
} from '../../src/contract/activities';
import { createCheckTask } from '../../src/activities/check-task';
import { failureTypes } from '../../src/contract/scene-workflow';
import { sandboxActivityDepsPerFile } from '../helpers/sandbox-deps-per-file';
import { gen45Body, runway } from '../sandbox/http';

const file = sandboxActivityDepsPerFile();
const intervalMs = 100;

/** A Runway task; with `throttledFor`, it first waits THROTTLED behind another that renders that long. */
async function runwayTask(renderMs: number, throttledFor?: number): Promise<string> {
  file.sandbox.setScenario({
    default: { queueMs: 0, renderMs: throttledFor ?? renderMs, latencyMs: 0 },
    models: { 'runway:gen4.5': { concurrency: 1 } },
  });
  const api = runway(file.sandbox);
  if (throttledFor !== undefined) await api.textToVideo(gen45Body());
  return (await api.textToVideo(gen45Body())).json.id as string;
}

type Look = { done: PollStatusOutput } | { failure: ApplicationFailure; heartbeat?: PollHeartbeat };

/** One checkTask attempt, as the server runs it: the last attempt's heartbeat in, this one's out. */
async function look(input: PollStatusInput, attempt: number, resumed: PollHeartbeat | undefined, firstMs: number) {
  const env = new MockActivityEnvironment({
    attempt,
    scheduledTimestampMs: firstMs,
    currentAttemptScheduledTimestampMs: Date.now(),
    heartbeatDetails: resumed,
  });
  let heartbeat: PollHeartbeat | undefined;
  env.on('heartbeat', (details: unknown) => (heartbeat = structuredClone(details as PollHeartbeat)));
  const checkTask = createCheckTask(file.deps);
  try {
    return { done: await env.run<[PollStatusInput], PollStatusOutput, typeof checkTask>(checkTask, input) } as Look;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return { failure: err as ApplicationFailure, heartbeat } as Look;
  }
}

/** Looks until the task's end or a failure that is not "look again", as the server's retries would. */
async function lookUntilDone(input: PollStatusInput) {
  const firstMs = Date.now();
  const retries: ApplicationFailure[] = [];
  let resumed: PollHeartbeat | undefined;
  for (let attempt = 1; attempt < 200; attempt++) {
    const result = await look(input, attempt, resumed, firstMs);
    if ('done' in result) return { done: result.done, retries, last: resumed };
    if (result.failure.nonRetryable) return { failure: result.failure, retries, last: resumed };
    retries.push(result.failure);
    resumed = result.heartbeat;
    await new Promise((r) => setTimeout(r, Number(result.failure.nextRetryDelay ?? intervalMs)));
  }
  throw new Error('the task never ended');
}

describe('checkTask: polling through activity retries', () => {
  it('answers "still running" as a benign retryable failure naming the next look, until the task ends', async () => {
    const taskId = await runwayTask(1_000);
    const { done, retries } = await lookUntilDone({ provider: 'runway', route: 'runway', taskId, intervalMs });
    expect(done?.snapshot.state).toBe('succeeded');
    expect(retries.length).toBeGreaterThan(2);
    for (const retry of retries) {
      expect(retry).toMatchObject({
        type: checkTaskRetryTypes.running,
        nonRetryable: false,
        nextRetryDelay: intervalMs,
        category: ApplicationFailureCategory.BENIGN,
      });
      expect(retry.message).toMatch(
        new RegExp(`^runway task ${taskId} is still (queued|running).*; asked again in 0 s$`),
      );
    }
    // The count went on from one attempt's heartbeat to the next.
    expect(done?.polls).toBe(retries.length + 1);
  });

  it('carries throttled time from look to look, and the result reports it', async () => {
    const taskId = await runwayTask(500, 1_500);
    const input = {
      provider: 'runway',
      route: 'runway' as const,
      taskId,
      intervalMs,
      deadlines: { renderMs: 60_000, queueMs: 60_000 },
    };
    const { done, retries, last } = await lookUntilDone(input);
    expect(retries.some((r) => /still throttled behind the account's concurrency limit/.test(r.message))).toBe(true);
    expect(done?.throttledMs).toBeGreaterThanOrEqual(700);
    expect(done?.throttledMs).toBe(last?.throttledMs);
  });

  it('gives a throttled task up past the queue deadline, counted across looks', async () => {
    const taskId = await runwayTask(500, 5_000);
    const input = {
      provider: 'runway',
      route: 'runway' as const,
      taskId,
      intervalMs,
      deadlines: { renderMs: 60_000, queueMs: 600 },
    };
    const { failure } = await lookUntilDone(input);
    expect(failure).toMatchObject({ type: failureTypes.deadlineMissed, nonRetryable: true });
    expect(failure?.message).toMatch(
      /throttled behind the account's concurrency limit, over the queue deadline of 600 ms/,
    );
  });

  it('retries an unreadable status with a backoff, and ends the attempt after six in a row', async () => {
    const taskId = await runwayTask(60_000);
    file.sandbox.patchScenario({
      default: { queueMs: 0, renderMs: 60_000, latencyMs: 0, faults: [{ kind: 'malformed_get' }] },
    });
    const { failure, retries } = await lookUntilDone({ provider: 'runway', route: 'runway', taskId, intervalMs: 10 });
    expect(retries.map((r) => r.type)).toEqual(Array(5).fill(checkTaskRetryTypes.unreadable));
    expect(retries.map((r) => r.category)).toEqual(Array(5).fill(undefined));
    expect(retries.map((r) => Number(r.nextRetryDelay))).toEqual([20, 40, 80, 160, 320]);
    expect(failure).toMatchObject({ type: failureTypes.pollFailed, nonRetryable: true });
    expect(failure?.message).toMatch(/6 consecutive error\(s\)/);
  });

  it("never looks again sooner than the interval after an error: a webhook's slow backstop stays slow", async () => {
    const taskId = await runwayTask(60_000);
    file.sandbox.patchScenario({
      default: { queueMs: 0, renderMs: 60_000, latencyMs: 0, faults: [{ kind: 'malformed_get' }] },
    });
    const backstopMs = 300_000;
    const first = await look({ provider: 'runway', route: 'runway', taskId, intervalMs: backstopMs }, 1, undefined, 0);
    expect('failure' in first && first.failure.type).toBe(checkTaskRetryTypes.unreadable);
    expect('failure' in first && Number(first.failure.nextRetryDelay)).toBe(backstopMs);
  });
});
