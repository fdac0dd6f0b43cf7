import { describe, expect, it } from 'vitest';
import { providerConfigSchema, type ProviderConfig } from '../../src/contract/catalogue';
import { defaultCatalogue } from '../../src/config/catalogue';
import { estimateCostUsd, worstCaseCostUsd } from '../../src/domain/pricing';
import { attachNeed, attemptSkipReason, overrunNote, ProjectBudget, type SceneNeed } from '../../src/domain/budget';
import { planProjectScenes } from '../../src/domain/project-plan';
import type { ValidProjectScene } from '../../src/contract/project-input';
import { projectScene, validProject } from './project-fixture';
import { billedCostUsd } from '../../src/domain/billing';

const provider = (key: string): ProviderConfig => defaultCatalogue.find((p) => p.key === key)!;

describe('worst case per attempt', () => {
  it('is the catalogue worst-case price at the duration the adapter asks for, never below the estimate', () => {
    for (const p of defaultCatalogue)
      for (const sec of [1, 5, 6, 8, 10, 30])
        expect(worstCaseCostUsd(p, sec)).toBeGreaterThanOrEqual(estimateCostUsd(p, sec));
    // Runway gen4.5 bills 12 credits/s: 10 s = 120 credits = $1.20.
    expect(worstCaseCostUsd(provider('runway'), 10)).toBe(1.2);
    // Kling asks for 10 s: a 2.6 std clip is $0.20 per 5 s.
    expect(worstCaseCostUsd(provider('kling'), 10)).toBe(0.4);
    // Hailuo asks for 6 s of a 7 s scene, at the dearer per-second rate of its 10 s clip ($0.45).
    expect(worstCaseCostUsd(provider('hailuo'), 7)).toBe(0.27);
  });

  it('falls back to the estimate for a catalogue without the field (runs recorded before it keep their decisions)', () => {
    const { maxCostPerSecondUsd: _drop, ...old } = provider('veo');
    expect(worstCaseCostUsd(old as ProviderConfig, 8)).toBe(estimateCostUsd(old as ProviderConfig, 8));
  });

  it('refuses a catalogue whose worst case is below its estimate, naming the field', () => {
    const r = providerConfigSchema.safeParse({ ...provider('kling'), costPerSecondUsd: 0.5 });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error!.issues)).toContain('maxCostPerSecondUsd');
  });

  it('counts a charge nobody reported at the worst case passed in', () => {
    expect(billedCostUsd('success_only', 1.2, { kind: 'ambiguous' })).toBe(1.2);
    expect(billedCostUsd('success_only', 1.2, { kind: 'succeeded' })).toBe(1.2);
    expect(billedCostUsd('success_only', 1.2, { kind: 'succeeded', reportedCostUsd: 0.5 })).toBe(0.5);
  });
});

describe('a scene budget', () => {
  it('lets an attempt start only when its worst case fits in what is left', () => {
    expect(attemptSkipReason(1.2, 0, 1)).toBe('budget: worst case $1.2000 would exceed the budget ($1 with $0 spent)');
    expect(attemptSkipReason(0.2, 0.8, 1)).toBeUndefined();
    expect(attemptSkipReason(0.2, 0.81, 1)).toMatch(/with \$0.81 spent/);
  });

  it('notes a charge above the worst case', () => {
    expect(overrunNote(0.2, 0.2)).toBeUndefined();
    expect(overrunNote(0.3, 0.2)).toMatch(/^budget: billed \$0\.3000, above the worst case \$0\.2000/);
  });
});

const need = (sceneId: string, options: [string, number][], capUsd?: number): SceneNeed => ({
  sceneId,
  capUsd,
  options: options.map(([p, worstCaseUsd]) => ({ provider: p, worstCaseUsd })),
});
// A 10 s hook scene in plan order at an earlier default catalogue's worst cases: the ledger only compares them.
const hook = (id: string, cap?: number) =>
  need(
    id,
    [
      ['runway', 1.2],
      ['kling', 2],
      ['luma', 0.2],
      ['veo', 0.96],
      ['hailuo', 0.2],
      ['hunyuan', 0.09],
    ],
    cap,
  );

describe('the project ledger', () => {
  it('grants the best-ranked provider that fits, never more than is left after running allowances', () => {
    const b = new ProjectBudget(1);
    const grants: number[] = [];
    for (let i = 0; i < 12; i++) {
      const d = b.decide(hook(`s${i}`));
      if (d.kind !== 'start') break;
      expect(d.provider).toBe('luma');
      b.reserve(`s${i}`, d.grantUsd);
      grants.push(d.grantUsd);
    }
    expect(grants).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
    expect(b.leftUsd).toBe(0);
    expect(b.decide(hook('s5')).kind).toBe('wait');
  });

  it('makes a scene wait while running scenes could free enough, and skips it when nothing can', () => {
    const b = new ProjectBudget(0.25);
    b.reserve('a', 0.2);
    // $0.05 left now; $0.25 once scene a gives its allowance back.
    expect(b.decide(hook('b'))).toEqual({
      kind: 'wait',
      reason:
        'budget: $0.0500 left with $0.2000 reserved by running scenes; waiting for them to cover $0.0900 (hunyuan)',
    });
    expect(b.settle('a', 0)).toBeUndefined();
    expect(b.decide(hook('b'))).toEqual({ kind: 'start', grantUsd: 0.2, provider: 'luma' });
    b.reserve('b', 0.2);
    expect(b.settle('b', 0.15)).toBeUndefined();
    // $0.10 left, nothing running: the best-ranked provider that fits is Hunyuan ($0.09).
    expect(b.decide(hook('c'))).toEqual({ kind: 'start', grantUsd: 0.09, provider: 'hunyuan' });
    b.reserve('c', 0.09);
    b.settle('c', 0.09);
    const skipped = b.decide(hook('d'));
    expect(skipped).toEqual({
      kind: 'skip',
      reason: 'budget: $0.0100 left cannot cover the cheapest worst case, $0.0900 (hunyuan)',
    });
  });

  it('skips at once when even the running allowances coming back could not cover the scene', () => {
    const b = new ProjectBudget(0.25);
    b.reserve('a', 0.2);
    expect(b.decide(need('x', [['runway', 1.2]]))).toMatchObject({ kind: 'skip' });
  });

  it("respects the scene's own maxCostUsd", () => {
    const b = new ProjectBudget(10);
    expect(b.decide(hook('a', 1))).toEqual({ kind: 'start', grantUsd: 0.2, provider: 'luma' });
    expect(b.decide(hook('b', 0.05))).toMatchObject({
      kind: 'skip',
      reason: "budget: the scene's maxCostUsd $0.05 is below the cheapest worst case, $0.0900 (hunyuan)",
    });
  });

  it('keeps the whole allowance as spent when a scene reports no charge', () => {
    const b = new ProjectBudget(1);
    b.reserve('a', 0.2);
    b.settle('a', undefined);
    expect(b.summary()).toMatchObject({ spentUsd: 0.2, reservedUsd: 0, leftUsd: 0.8 });
  });

  it('stops starting scenes after a charge above an allowance, and says so', () => {
    const b = new ProjectBudget(5);
    b.reserve('a', 0.2);
    expect(b.settle('a', 0.5)).toMatch(/billed \$0\.5000, above the allowance \$0\.2000/);
    expect(b.decide(hook('b'))).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/scene a was billed/) });
    expect(b.summary().stopped).toMatch(/scene a was billed \$0\.5000/);
  });

  it('never lets the allowances plus charges exceed the budget, whatever the charges (≤ allowance) are', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const budget = Math.round(rnd() * 300) / 100 + 0.05;
      const b = new ProjectBudget(budget);
      const running: string[] = [];
      for (let i = 0; i < 30; i++) {
        if (running.length > 0 && (rnd() < 0.5 || running.length >= 4)) {
          const id = running.shift()!;
          b.settle(id, rnd() < 0.3 ? undefined : Math.round(rnd() * 100) / 100 > 0.5 ? 0 : 0.05);
        }
        const d = b.decide(hook(`s${i}`));
        if (d.kind === 'start') {
          b.reserve(`s${i}`, d.grantUsd);
          running.push(`s${i}`);
        }
        expect(b.summary().spentUsd + b.reservedUsd).toBeLessThanOrEqual(budget + 1e-9);
      }
    }
  });
});

const planned = (scenes: Partial<ValidProjectScene>[], budgetUsd?: number): SceneNeed[] => {
  const project = validProject(
    scenes.map((extra, i) => projectScene(`s${i}`, extra)),
    { maxConcurrentScenes: 4, budgetUsd },
  );
  const plan = planProjectScenes(
    project,
    defaultCatalogue,
    defaultCatalogue.map((p) => p.key),
  );
  if ('problem' in plan) throw new Error(plan.problem);
  return plan.plans.map((p) => p.need);
};

describe("a project's planned scenes against its budget", () => {
  it('starts scenes while their worst cases fit, makes the next wait for running ones, then skips it with the reason', () => {
    // 5 s hooks: Kling ($0.20) is the best-ranked fit under $0.50; the third has a prompt Hunyuan cannot take.
    const [a, b, c] = planned([{}, {}, { prompt: 'a'.repeat(1_500) }], 0.5);
    const ledger = new ProjectBudget(0.5);
    expect(ledger.decide(a!)).toEqual({ kind: 'start', grantUsd: 0.2, provider: 'kling' });
    ledger.reserve('s0', 0.2);
    expect(ledger.decide(b!)).toEqual({ kind: 'start', grantUsd: 0.2, provider: 'kling' });
    ledger.reserve('s1', 0.2);
    expect(ledger.decide(c!)).toEqual({
      kind: 'wait',
      reason: 'budget: $0.1000 left with $0.4000 reserved by running scenes; waiting for them to cover $0.2000 (kling)',
    });
    ledger.settle('s0', 0.2);
    expect(ledger.decide(c!).kind).toBe('wait');
    ledger.settle('s1', 0.2);
    expect(ledger.decide(c!)).toEqual({
      kind: 'skip',
      reason: 'budget: $0.1000 left cannot cover the cheapest worst case, $0.2000 (kling)',
    });
  });

  it('grants a cheaper fallback when the best-ranked provider does not fit', () => {
    // $0.10 covers only Hunyuan ($0.09) of the plan; Runway ($0.60) ranks first.
    const [a] = planned([{}], 0.1);
    expect(a!.options[0]).toEqual({ provider: 'runway', worstCaseUsd: 0.6 });
    expect(new ProjectBudget(0.1).decide(a!)).toEqual({ kind: 'start', grantUsd: 0.09, provider: 'hunyuan' });
  });

  it("skips a scene whose own maxCostUsd is below its plan's cheapest worst case, however much is left", () => {
    const [a] = planned([{ aspectRatio: '9:16', allowedProviders: ['kling', 'veo'], maxCostUsd: 0.15 }], 10);
    expect(new ProjectBudget(10).decide(a!)).toEqual({
      kind: 'skip',
      reason: "budget: the scene's maxCostUsd $0.15 is below the cheapest worst case, $0.2000 (kling)",
    });
  });

  it('skips every scene after one was billed above its allowance, naming it', () => {
    const [a, b] = planned([{}, {}], 5);
    const ledger = new ProjectBudget(5);
    const grant = ledger.decide(a!);
    expect(grant).toEqual({ kind: 'start', grantUsd: 0.6, provider: 'runway' });
    ledger.reserve('s0', 0.6);
    ledger.settle('s0', 0.9);
    expect(ledger.decide(b!)).toEqual({
      kind: 'skip',
      reason: 'budget: not started, scene s0 was billed $0.9000, above its allowance $0.6000',
    });
  });

  it("decides a scene already running by that run's exposure, not by the project's plan for it", () => {
    const run = { workflowId: 'scene-video:p:s0', spentUsd: 0.1, exposureUsd: 0.7, basis: 'its plan' };
    const need = attachNeed({ sceneId: 's0', maxCostUsd: 1 }, run);
    expect(need).toEqual({ sceneId: 's0', capUsd: 1, options: [], attached: run });
    expect(new ProjectBudget(1).decide(need)).toEqual({ kind: 'start', grantUsd: 0.7, provider: 'scene-video:p:s0' });
    expect(new ProjectBudget(0.5).decide(need)).toMatchObject({ kind: 'skip' });
  });
});
