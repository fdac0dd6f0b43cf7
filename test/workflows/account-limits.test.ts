import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateState } from '../../src/contract/provider-gate';
import { getProgress } from '../../src/contract/scene-workflow';
import { providerGateWorkflowId } from '../../src/contract/workflow-ids';
import { generateSceneVideo } from '../../src/workflows';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { waitFor } from '../helpers/wait-for';

const runwayKey = sandboxKey('runway');
const accountConcurrency = 2;
let h: SceneHarness;
beforeAll(async () => {
  // The sandbox's Runway account reports the concurrency its scenario enforces; the worker reads it before polling.
  h = await startSceneHarness({
    scenario: {
      default: { queueMs: 100, renderMs: 1_500 },
      models: { [runwayKey]: { concurrency: accountConcurrency } },
    },
    gate: { holderCheckMs: 1_000 },
    accountLimits: true,
  });
});
afterAll(async () => {
  await h?.close();
});

describe("Runway's per-model concurrency from the account pre-flight", () => {
  it('becomes the gate limit: scenes wait at the gate holding nothing, and Runway never throttles one', async () => {
    const scenes = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const input = h.scene({
          sceneType: 'hook',
          prompt: `Opening shot ${Math.random()}`,
          allowedProviders: ['runway'],
        });
        return h.client.workflow.start(generateSceneVideo, {
          taskQueue: h.taskQueue,
          workflowId: `account-limits-${input.sceneId}`,
          args: [input],
        });
      }),
    );
    const waiting = await waitFor(async () => {
      const waits = (await Promise.all(scenes.map((s) => s.query(getProgress)))).map((p) => p.waitingForSlot);
      return waits.find((w) => w !== undefined);
    }, 20_000);
    expect(waiting).toMatchObject({ provider: 'runway', displayName: 'Runway Gen-4.5' });

    const results = await Promise.all(scenes.map((s) => s.result()));
    for (const r of results) {
      expect(r.attempts.map((a) => [a.provider, a.state])).toEqual([['runway', 'succeeded']]);
      expect(r.attempts[0]!.throttledMs ?? 0).toBe(0);
    }
    const stats = h.sandbox.stats();
    expect(stats.tasksCreated).toEqual({ [runwayKey]: 6 });
    expect(stats.maxConcurrentProcessing[runwayKey]).toBe(accountConcurrency);
    const gate = h.client.workflow.getHandle(providerGateWorkflowId(h.taskQueue, 'runway'));
    expect(await gate.query(gateState)).toMatchObject({ limit: accountConcurrency, holders: [], granted: 6 });
  }, 90_000);
});
