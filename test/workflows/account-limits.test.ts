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

/** `count` hook scenes allowed `providers`, started at once. */
function startScenes(count: number, providers: string[], overrides: Parameters<SceneHarness['scene']>[0] = {}) {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const input = h.scene({
        sceneType: 'hook',
        prompt: `Opening shot ${Math.random()}`,
        allowedProviders: providers,
        ...overrides,
      });
      return h.client.workflow.start(generateSceneVideo, {
        taskQueue: h.taskQueue,
        workflowId: `account-limits-${input.sceneId}`,
        args: [input],
      });
    }),
  );
}

const runwayGate = () => h.client.workflow.getHandle(providerGateWorkflowId(h.taskQueue, 'runway'));

describe("Runway's per-model concurrency from the account pre-flight", () => {
  it('becomes the gate limit: scenes wait at the gate holding nothing, and Runway never throttles one', async () => {
    const scenes = await startScenes(6, ['runway']);
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
    expect(await runwayGate().query(gateState)).toMatchObject({ limit: accountConcurrency, holders: [], granted: 6 });
  }, 90_000);

  it('a scene that waits at the gate longer than polling.queueDeadlineMs skips Runway, with the reason, and falls back', async () => {
    h.sandbox.reset();
    h.sandbox.setScenario({
      default: { queueMs: 100, renderMs: 4_000 },
      models: { [runwayKey]: { concurrency: accountConcurrency } },
    });
    const polling = { intervalMs: 200, providerDeadlineMs: 60_000, queueDeadlineMs: 1_000 };
    const scenes = await startScenes(accountConcurrency + 2, ['runway', 'kling'], { polling });
    const results = await Promise.all(scenes.map((s) => s.result()));
    const byProvider = (key: string) => results.filter((r) => r.provider === key);
    expect(byProvider('runway')).toHaveLength(accountConcurrency);
    for (const r of byProvider('kling')) {
      expect(r.attempts.map((a) => [a.provider, a.state])).toEqual([
        ['runway', 'skipped'],
        ['kling', 'succeeded'],
      ]);
      expect(r.attempts[0]!.error).toMatch(
        /^no Runway Gen-4\.5 slot at its gate within polling\.queueDeadlineMs \(1000 ms, \d+ ahead\)$/,
      );
      // The skip spans the wait, as the Web UI and `scene-video status` show it.
      const { startedAt, endedAt } = r.attempts[0]!;
      expect(Date.parse(endedAt!) - Date.parse(startedAt)).toBeGreaterThanOrEqual(1_000);
    }
    expect(h.sandbox.stats().tasksCreated[runwayKey]).toBe(accountConcurrency);
    // The waiters that gave up left the gate: nothing waits or holds once the scenes are done.
    await waitFor(async () => {
      const view = await runwayGate().query(gateState);
      return view.holders.length === 0 && view.waiters.length === 0 ? view : undefined;
    }, 10_000);
  }, 90_000);
});
