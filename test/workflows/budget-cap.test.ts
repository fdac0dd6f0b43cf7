import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetCases, budgetProblems, describeBudgetCase, runBudgetCase } from '../chaos/scenarios/budget-cap';
import { globalChaosStack } from '../chaos/global-stack';
import { getProgress } from '../../src/contract/scene-workflow';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

let connection: Connection;
let client: Client;
beforeAll(async () => {
  const stack = globalChaosStack();
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection, namespace: stack.namespace });
});
afterAll(async () => {
  await connection?.close();
});

const cases = budgetCases({ full: true });

describe('a budget is a cap on what providers bill', () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const r = await runBudgetCase(globalChaosStack(), client, c);
      console.log(describeBudgetCase(r));
      expect(budgetProblems(r)).toEqual([]);
      expect(r.billedUsd).toBeLessThanOrEqual(c.budgetUsd);
      if (r.project) {
        const { project } = r;
        expect(project.budget).toMatchObject({ budgetUsd: c.budgetUsd, reservedUsd: 0 });
        expect(project.budget!.spentUsd).toBeCloseTo(r.billedUsd, 6);
        // Runway's worst case for 10 s ($1.20) exceeds the $1 budget: no scene may even try it.
        for (const s of project.scenes.filter((x) => x.phase === 'succeeded')) expect(s.provider).not.toBe('runway');
        const skipped = project.scenes.filter((s) => s.phase === 'skipped');
        expect(skipped.length).toBeGreaterThan(0);
        expect(skipped.every((s) => s.budget === 'skipped')).toBe(true);
        if (c.billing === 'over') {
          expect(project.counts.succeeded).toBe(1);
          expect(project.scenes[0]!.budget).toBe('stopped');
          expect(project.scenes[0]!.error).toMatch(/budget: billed \$0\.6000, above the allowance \$0\.4000/);
          expect(skipped[0]!.error).toMatch(/not started, scene s0 was billed \$0\.6000/);
        }
      } else {
        // One 10 s hook scene with maxCostUsd $1: Runway ($1.20 worst case) is skipped, saying why; Kling ($0.40) fits.
        expect(r.scene?.provider).toBe('kling');
        expect(r.scene!.attempts).toMatchObject([
          {
            provider: 'runway',
            state: 'skipped',
            error: 'budget: worst case $1.2000 would exceed the budget ($1 with $0 spent)',
          },
          { provider: 'kling', state: 'succeeded' },
        ]);
      }
    },
    180_000,
  );
});

describe('prompt limits', () => {
  let h: SceneHarness;
  beforeAll(async () => {
    h = await startSceneHarness({ scenario: { default: { queueMs: 50, renderMs: 300 } } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a 1,500-character prompt skips Runway and Hunyuan with the reason, creates nothing there, and succeeds on Luma', async () => {
    h.sandbox.reset();
    const prompt =
      `Opening shot over a city skyline at dawn. ${'Slow light spreads across the glass towers. '.repeat(40)}`.slice(
        0,
        1_500,
      );
    expect(prompt).toHaveLength(1_500);
    const input = h.scene({
      sceneType: 'hook',
      prompt,
      preferredProvider: 'hunyuan',
      allowedProviders: ['runway', 'hunyuan', 'luma'],
    });
    const result = await h.client.workflow.execute('generateSceneVideo', {
      taskQueue: h.taskQueue,
      workflowId: `pl-${input.sceneId}`,
      args: [input],
    });
    expect(result.provider).toBe('luma');
    expect(result.attempts.map((a: { provider: string }) => a.provider)).toEqual(['luma']);
    const progress = await h.client.workflow.getHandle(`pl-${input.sceneId}`).query(getProgress);
    const reason = (p: string) => progress.ranking.find((r) => r.provider === p)!.reasons.at(-1);
    expect(reason('runway')).toBe('skipped: the prompt has 1500 characters and Runway Gen-4.5 accepts at most 1000');
    expect(reason('hunyuan')).toBe('skipped: the prompt has 1500 characters and Hunyuan Video accepts at most 1000');
    const stats = h.sandbox.stats();
    // No create reached Runway, and the only PiAPI create was Luma's.
    expect(stats.requests['POST /v1/text_to_video']).toBeUndefined();
    expect(stats.requests['POST /api/v1/task']).toEqual({ 200: 1 });
    expect(stats.tasks.map((t) => `${t.api}:${t.model}`)).toEqual([sandboxKey('luma')]);
  });
});
