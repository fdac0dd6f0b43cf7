import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { planProjectScenes, type ScenePlan } from '../../src/domain/project-plan';
import type { ValidProjectScene as Scene } from '../../src/contract/project-input';
import { projectScene, validProject } from './project-fixture';

const all = defaultCatalogue.map((p) => p.key);
const plansOf = (scenes: Scene[], configured = all): ScenePlan[] => {
  const planned = planProjectScenes(validProject(scenes), defaultCatalogue, configured);
  if ('problem' in planned) throw new Error(planned.problem);
  return planned.plans;
};

describe("a project's plan of its scenes", () => {
  it("gives the ledger each provider of the scene's plan, in plan order, at its worst case", () => {
    const [plan] = plansOf([projectScene('a')]);
    expect(plan!.need).toEqual({
      sceneId: 'a',
      capUsd: undefined,
      options: [
        { provider: 'runway', worstCaseUsd: 0.6 },
        { provider: 'kling', worstCaseUsd: 0.2 },
        { provider: 'luma', worstCaseUsd: 0.2 },
        { provider: 'veo', worstCaseUsd: 0.96 },
        { provider: 'hailuo', worstCaseUsd: 0.27 },
        { provider: 'hunyuan', worstCaseUsd: 0.09 },
      ],
    });
    expect(plan!.cheapestEstimateUsd).toBe(0.09);
  });

  it('takes the cheapest estimate from the plan: a provider the prompt is too long for is not counted', () => {
    // Hunyuan ($0.09) and Runway accept at most 1,000 characters; the cheapest left are Kling and Luma at $0.20.
    const [plan] = plansOf([projectScene('long', { prompt: 'a'.repeat(1_500) })]);
    expect(plan!.need.options.map((o) => o.provider)).toEqual(['kling', 'luma', 'veo', 'hailuo']);
    expect(plan!.cheapestEstimateUsd).toBe(0.2);
  });

  it("keeps to the scene's allowed providers and aspect ratio, and carries its maxCostUsd", () => {
    const [plan] = plansOf([
      projectScene('c', { aspectRatio: '9:16', allowedProviders: ['kling', 'veo'], maxCostUsd: 0.6 }),
    ]);
    expect(plan!.need).toEqual({
      sceneId: 'c',
      capUsd: 0.6,
      options: [
        { provider: 'kling', worstCaseUsd: 0.2 },
        { provider: 'veo', worstCaseUsd: 0.96 },
      ],
    });
    // Kling renders the 5 s asked for at $0.20 a clip; Veo renders 8 s at $0.06/s.
    expect(plan!.cheapestEstimateUsd).toBe(0.2);
  });

  it('plans every scene, in project order', () => {
    expect(plansOf([projectScene('a'), projectScene('b'), projectScene('c')]).map((p) => p.need.sceneId)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('names every scene that cannot be planned, in one message, and plans none', () => {
    const planned = planProjectScenes(
      validProject([
        projectScene('a'),
        projectScene('b', { preferredProvider: 'nope' as Scene['preferredProvider'] }),
        projectScene('c', { aspectRatio: '1:1', allowedProviders: ['runway'] }),
        projectScene('d', { preferredProvider: 'veo' }),
      ]),
      defaultCatalogue,
      ['runway', 'kling', 'luma', 'hailuo', 'hunyuan'],
    );
    expect(planned).toEqual({
      problem:
        'cannot plan providers for 3 scene(s): ' +
        'scenes[1] (b): unknown provider(s): nope; the catalogue has runway, kling, luma, hailuo, hunyuan, veo; ' +
        'scenes[2] (c): no configured provider can render aspect ratio 1:1; ' +
        'scenes[3] (d): preferredProvider "veo" is not configured on the worker (configured: runway, kling, luma, hailuo, hunyuan)',
    });
  });
});
