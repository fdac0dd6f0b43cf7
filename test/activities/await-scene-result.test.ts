/**
 * What awaitSceneResult reports for a scene that closed without a clip when its progress query fails: the scene sets
 * its CostUsd search attribute only when it finishes, so a terminated scene has none. That cost used to be read as a
 * known $0 (and the scene labelled 'cancelled' whatever ended it), which made the project's ledger free the scene's
 * whole allowance. It is now unknown: no snapshot, so no charge (the ledger keeps the allowance), and the failure says
 * why the query failed.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure, type Client } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { awaitSceneResult } from '../../src/activities/await-scene-result';
import { sceneEndedTypes } from '../../src/contract/project-workflow';
import { connectClient, uniqueTaskQueue } from '../helpers/temporal';

let client: Client;
let close: () => Promise<void>;
beforeAll(async () => {
  const c = await connectClient();
  client = c.client;
  close = () => c.connection.close();
});
afterAll(async () => {
  await close?.();
});

it('a terminated scene whose query fails and that set no CostUsd reports no cost, and why', async () => {
  // No worker polls this queue: the scene never runs a workflow task, so nothing can answer its query.
  const workflowId = `scene-video:await-${randomUUID().slice(0, 8)}:s0`;
  const handle = await client.workflow.start('generateSceneVideo', {
    workflowId,
    taskQueue: uniqueTaskQueue('no-worker'),
    args: [{}],
  });
  await handle.terminate('operator stops a stuck scene');
  const env = new MockActivityEnvironment(undefined, { client });
  const started = Date.now();
  const err = await env.run(awaitSceneResult, workflowId).then(
    () => undefined,
    (e: unknown) => e,
  );
  console.log(
    `after ${Date.now() - started} ms:`,
    err instanceof Error ? err.message : err,
    (err as ApplicationFailure)?.details,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  const failure = err as ApplicationFailure;
  expect(failure.type).toBe(sceneEndedTypes.terminated);
  expect(failure.nonRetryable).toBe(true);
  // No snapshot: the project reads no charge and keeps the scene's allowance as spent.
  expect((failure.details?.[0] as { totalCostUsd?: number } | undefined)?.totalCostUsd).toBeUndefined();
  expect(failure.message).toMatch(/was terminated; what it committed is unknown \(its progress query failed: .+\)/);
}, 60_000);
