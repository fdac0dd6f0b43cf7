import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultCatalogue } from '../../src/config/catalogue';
import { gateState, setGateLimit, type GateView } from '../../src/contract/provider-gate';
import { getProgress, type SceneWorkflow } from '../../src/contract/scene-workflow';
import { providerGateWorkflowId } from '../../src/contract/workflow-ids';
import { generateSceneVideo } from '../../src/workflows';
import type { ScenarioInput } from '../../dev/sandbox';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { waitFor } from '../helpers/wait-for';

const klingLimit = 2;
const cooldownMs = 4_000;
let h: SceneHarness;
beforeAll(async () => {
  h = await startSceneHarness({
    catalogue: defaultCatalogue.map((p) => (p.key === 'kling' ? { ...p, maxInFlight: klingLimit } : p)),
    gate: { breaker: { failures: 3, windowMs: 60_000, cooldownMs }, holderCheckMs: 1_000 },
  });
});
afterAll(async () => {
  await h?.close();
});

const klingKey = sandboxKey('kling');
const runwayKey = sandboxKey('runway');

function given(scenario: ScenarioInput): void {
  h.sandbox.reset();
  h.sandbox.setScenario(scenario);
}

function start(overrides: Parameters<SceneHarness['scene']>[0] = {}): Promise<WorkflowHandle<SceneWorkflow>> {
  const input = h.scene({ sceneType: 'hook', prompt: `Opening shot ${Math.random()}`, ...overrides });
  return h.client.workflow.start(generateSceneVideo, {
    taskQueue: h.taskQueue,
    workflowId: `gate-${input.sceneId}`,
    args: [input],
  });
}

const gate = (provider: string) => h.client.workflow.getHandle(providerGateWorkflowId(h.taskQueue, provider));
const gateView = (provider: string): Promise<GateView> => gate(provider).query(gateState);

describe('in-flight limits', () => {
  it('keeps the sandbox at the limit while scenes queue, each showing its place in the queue', async () => {
    given({ default: { queueMs: 100, renderMs: 1_500 } });
    const scenes = await Promise.all(Array.from({ length: 6 }, () => start({ allowedProviders: ['kling'] })));
    const places = await waitFor(async () => {
      const waits = (await Promise.all(scenes.map((s) => s.query(getProgress)))).map((p) => p.waitingForSlot);
      return waits.some((w) => w?.ahead !== undefined && w.ahead >= 1) ? waits : undefined;
    }, 20_000);
    expect(places.find((w) => (w?.ahead ?? 0) >= 1)).toMatchObject({ provider: 'kling', displayName: 'Kling AI' });

    const results = await Promise.all(scenes.map((s) => s.result()));
    for (const r of results) expect(r.attempts.map((a) => [a.provider, a.state])).toEqual([['kling', 'succeeded']]);
    const stats = h.sandbox.stats();
    expect(stats.tasksCreated).toEqual({ [klingKey]: 6 });
    expect(stats.maxConcurrentProcessing[klingKey]).toBe(klingLimit);
    const view = await gateView('kling');
    expect(view).toMatchObject({ limit: klingLimit, holders: [], waiters: [], granted: 6 });
    // An ended scene's progress no longer waits.
    expect((await scenes[0]!.query(getProgress)).waitingForSlot).toBeUndefined();
  }, 90_000);

  it('reclaims the lease of a scene terminated while holding it: the next waiter gets it', async () => {
    given({ default: { queueMs: 0, renderMs: 30_000 } });
    const holders = [await start({ allowedProviders: ['kling'] }), await start({ allowedProviders: ['kling'] })];
    await waitFor(async () => ((await gateView('kling')).holders.length === 2 ? true : undefined), 20_000);
    const waiter = await start({ allowedProviders: ['kling'] });
    await waitFor(async () => ((await gateView('kling')).waiters.length === 1 ? true : undefined), 20_000);

    await holders[0]!.terminate('killed mid-lease by the test');
    const view = await waitFor(async () => {
      const v = await gateView('kling');
      return v.holders.some((x) => x.workflowId === waiter.workflowId) ? v : undefined;
    }, 15_000);
    expect(view.holders.map((x) => x.workflowId).sort()).toEqual([holders[1]!.workflowId, waiter.workflowId].sort());
    await waitFor(async () => (h.sandbox.stats().tasksCreated[klingKey] === 3 ? true : undefined), 15_000);
    expect(h.sandbox.stats().maxConcurrentProcessing[klingKey]).toBeLessThanOrEqual(3);

    // An operator raises the limit at run time; back to the catalogue's afterwards.
    expect((await gate('kling').executeUpdate(setGateLimit, { args: [{ limit: 3 }] })).limit).toBe(3);
    await expect(gate('kling').executeUpdate(setGateLimit, { args: [{ limit: 0 }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/whole number ≥ 1/) },
    });
    expect((await gate('kling').executeUpdate(setGateLimit, { args: [{ limit: null }] })).limit).toBe(klingLimit);
    for (const s of [holders[1]!, waiter]) await s.terminate('test over');
    await waitFor(async () => ((await gateView('kling')).holders.length === 0 ? true : undefined), 15_000);
  }, 90_000);
});

describe('the circuit breaker', () => {
  it('opens after 3 failed creates, later scenes skip the provider with the reason, and after the cooldown one probe closes it', async () => {
    given({
      default: { queueMs: 0, renderMs: 300 },
      models: { [runwayKey]: { faults: [{ kind: 'create_5xx', status: 503 }] } },
    });
    // Hook scenes rank runway first, then kling.
    for (let i = 0; i < 3; i++) {
      const r = await (await start()).result();
      expect(r.attempts.map((a) => [a.provider, a.state])).toEqual([
        ['runway', 'failed'],
        ['kling', 'succeeded'],
      ]);
    }
    const opened = await gateView('runway');
    expect(opened.circuit).toMatchObject({ state: 'open' });
    const creates = () =>
      Object.values(h.sandbox.stats().requests['POST /v1/text_to_video'] ?? {}).reduce((a, b) => a + b, 0);
    const createsWhenOpened = creates();

    const skipped = await (await start()).result();
    expect(skipped.attempts.map((a) => [a.provider, a.state])).toEqual([
      ['runway', 'skipped'],
      ['kling', 'succeeded'],
    ]);
    expect(skipped.attempts[0]!.error).toMatch(
      /^Runway Gen-4.5 circuit open for \d+ s more \(until .*\): 3 provider-side failures within 60 s, the last: ProviderRejected: runway create: server \(HTTP 503\)/,
    );
    expect(creates()).toBe(createsWhenOpened);

    // Runway is back; after the cooldown the next scene is the probe, and its success closes the circuit.
    h.sandbox.setScenario({ default: { queueMs: 0, renderMs: 300 } });
    await new Promise((resolve) => setTimeout(resolve, cooldownMs));
    const probe = await (await start()).result();
    expect(probe.attempts.map((a) => [a.provider, a.state])).toEqual([['runway', 'succeeded']]);
    expect((await gateView('runway')).circuit).toEqual({ state: 'closed' });

    // Runway has no limit: a successful attempt only reads the circuit (a query, in a local activity's marker) and
    // tells its gate nothing.
    const gateSignals = async () =>
      (await gate('runway').fetchHistory()).events!.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    const before = await gateSignals();
    const quiet = await start();
    expect((await quiet.result()).attempts.map((a) => [a.provider, a.state])).toEqual([['runway', 'succeeded']]);
    expect(await gateSignals()).toBe(before);
    const events = (await quiet.fetchHistory()).events!;
    expect(events.filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes)).toEqual([]);
    // prepareScene's and the circuit read's.
    expect(events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toHaveLength(2);
  }, 120_000);
});
