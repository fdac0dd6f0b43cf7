import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { balanceShortfalls, projectEstimateByRoute } from '../../src/domain/balance-check';
import { planProviders } from '../../src/domain/planning';
import { estimateCostUsd } from '../../src/domain/pricing';
import type { ValidProjectScene } from '../../src/contract/project-input';
import { projectScene, validProject } from './project-fixture';

const all = defaultCatalogue.map((p) => p.key);

/** The first-ranked provider of a scene and its estimate, as the planner decides them. */
function first(scene: ValidProjectScene, configured = all) {
  const p = planProviders({ ...scene, projectId: 'p' }, defaultCatalogue, configured).order[0]!;
  return { route: p.route, usd: estimateCostUsd(p, scene.durationSec) };
}

describe("a project's estimate per route", () => {
  const hook = projectScene('hook');
  const testimonial = projectScene('talk', { sceneType: 'testimonial', prompt: 'A customer smiles at the camera' });
  const long = projectScene('long', { durationSec: 10 });

  it("sums each scene's first-ranked provider's estimate on that provider's route", () => {
    const scenes = [hook, testimonial, long];
    const expected = new Map<string, { estimateUsd: number; sceneIds: string[] }>();
    for (const scene of scenes) {
      const { route, usd } = first(scene);
      const e = expected.get(route) ?? { estimateUsd: 0, sceneIds: [] };
      expected.set(route, { estimateUsd: e.estimateUsd + usd, sceneIds: [...e.sceneIds, scene.sceneId] });
    }
    const estimates = projectEstimateByRoute(validProject(scenes), defaultCatalogue, all);
    expect(estimates.map((e) => e.route).sort()).toEqual([...expected.keys()].sort());
    for (const e of estimates) {
      expect(e.estimateUsd).toBeCloseTo(expected.get(e.route)!.estimateUsd, 6);
      expect(e.sceneIds).toEqual(expected.get(e.route)!.sceneIds);
    }
    // The default catalogue ranks different providers first for these scenes: both routes are used.
    expect(estimates).toHaveLength(2);
  });

  it('follows what is configured: without Runway every scene goes to PiAPI', () => {
    const piapiOnly = defaultCatalogue.filter((p) => p.route === 'piapi').map((p) => p.key);
    const [only, ...rest] = projectEstimateByRoute(validProject([hook, long]), defaultCatalogue, piapiOnly);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ route: 'piapi', sceneIds: ['hook', 'long'] });
    expect(only!.estimateUsd).toBeCloseTo(first(hook, piapiOnly).usd + first(long, piapiOnly).usd, 6);
  });

  it("is never more than the project's budgetUsd on a route", () => {
    const [e] = projectEstimateByRoute(validProject([long, long], { budgetUsd: 0.01 }), defaultCatalogue, all);
    expect(e!.estimateUsd).toBe(0.01);
  });

  it('leaves out scenes that cannot be planned (the project fails them anyway)', () => {
    const unplannable = projectScene('x', { allowedProviders: ['luma'] });
    expect(projectEstimateByRoute(validProject([unplannable]), defaultCatalogue, ['kling'])).toEqual([]);
  });
});

describe('balance shortfalls', () => {
  const estimates = [
    { route: 'runway' as const, estimateUsd: 5, sceneIds: ['a'] },
    { route: 'piapi' as const, estimateUsd: 2, sceneIds: ['b'] },
  ];

  it('names each route whose known balance is below its estimate', () => {
    expect(balanceShortfalls(estimates, { runway: 4.99, piapi: 2 })).toEqual([{ ...estimates[0], balanceUsd: 4.99 }]);
  });

  it('never blocks on a route whose balance is unknown', () => {
    expect(balanceShortfalls(estimates, {})).toEqual([]);
  });
});
