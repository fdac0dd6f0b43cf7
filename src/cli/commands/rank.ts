import { failureTypes, type ProviderRanking } from '../../contract/scene-workflow';
import type { ValidSceneInput } from '../../contract/scene-input';
import { fitDuration } from '../../domain/duration';
import { planProviders, PlanError, type ProviderPlan } from '../../domain/planning';
import { estimateCostUsd } from '../../domain/pricing';
import type { Command } from '../command';
import { activeCatalogue, knownCatalogue } from '../env-catalogue';
import { CliError, exitCodes } from '../errors';
import { usdAmount } from '../format';
import { table, type Palette } from '../output';
import { planningFields, planningOptions, validateSceneFlags } from '../scene-flags';

/** A provider the worker would try, in its turn: the duration it would be asked for and what that usually costs. */
export interface PlannedProvider {
  provider: string;
  durationSec: number;
  estimateUsd: number;
}

/** A ranked provider the worker would not send the scene to, and why. */
export interface SkippedProvider {
  provider: string;
  reason: string;
}

/** The worker's plan for a scene, as `rank` shows it. */
export interface RankView {
  /** Every configured, allowed provider with its score and reasons, as the scene's progress reports its ranking. */
  ranking: ProviderRanking[];
  /** The providers the worker would try, in order (the preferred one first). */
  order: PlannedProvider[];
  skipped: SkippedProvider[];
}

export function rankView(scene: Pick<ValidSceneInput, 'durationSec'>, plan: ProviderPlan): RankView {
  const tried = new Set(plan.order.map((p) => p.key));
  return {
    ranking: plan.ranking,
    order: plan.order.map((p) => ({
      provider: p.key,
      durationSec: fitDuration(scene.durationSec, p.allowedDurationsSec),
      estimateUsd: estimateCostUsd(p, scene.durationSec),
    })),
    skipped: plan.ranking
      .filter((r) => !tried.has(r.provider))
      .map((r) => ({ provider: r.provider, reason: r.reasons[r.reasons.length - 1]!.replace(/^skipped: /, '') })),
  };
}

/** The providers in the order they would be tried, then the skipped ones (`–`), each with its score and reasons. */
export function renderRankView(
  scene: Pick<ValidSceneInput, 'sceneType' | 'durationSec' | 'aspectRatio'>,
  view: RankView,
  paint: Palette,
): string {
  const ranked = new Map(view.ranking.map((r) => [r.provider, r]));
  const scored = (provider: string) => {
    const r = ranked.get(provider)!;
    return { score: String(r.score), reasons: r.reasons.join('; ') };
  };
  const heading = `Providers the worker would try, in order, for a ${scene.sceneType} scene of ${scene.durationSec} s at ${scene.aspectRatio}:`;
  return [
    heading,
    table(
      [
        { header: '#', align: 'right' },
        { header: 'PROVIDER' },
        { header: 'SCORE (points)', align: 'right' },
        { header: 'DURATION (s)', align: 'right' },
        { header: 'ESTIMATE (USD)', align: 'right' },
        { header: 'REASONS' },
      ],
      [
        ...view.order.map((p, i) => {
          const { score, reasons } = scored(p.provider);
          return [String(i + 1), p.provider, score, String(p.durationSec), usdAmount(p.estimateUsd), reasons];
        }),
        ...view.skipped.map((s) => {
          const { score, reasons } = scored(s.provider);
          return [paint.dim('–'), paint.dim(s.provider), score, '', '', reasons];
        }),
      ],
    ),
  ].join('\n');
}

/** What `rank` assumes when the scene's duration or aspect ratio is not given. */
const rankDefaults = { durationSec: 5, aspectRatio: '16:9' } as const;

export const rankCommand: Command = {
  name: 'rank',
  summary:
    'Show how the worker would rank and try providers for a scene, with scores, reasons and skips (no server needed)',
  usage: {
    positionals: [],
    options: {
      'scene-type': {
        type: 'string',
        value: '<type>',
        description: 'Scene type, e.g. hook, testimonial, product, broll',
      },
      prompt: { type: 'string', value: '<text>', description: 'The visual prompt; keywords in it add points' },
      duration: {
        ...planningOptions.duration,
        description: `Clip length in seconds (default ${rankDefaults.durationSec}): the duration each provider is asked for`,
      },
      aspect: {
        ...planningOptions.aspect,
        description: `Aspect ratio (default ${rankDefaults.aspectRatio}); providers that cannot render it are skipped`,
      },
      preferred: planningOptions.preferred,
      allowed: planningOptions.allowed,
      configured: {
        type: 'string',
        value: '<a,b,…>',
        description: 'Providers to rank (default: every provider in the catalogue)',
      },
    },
    details: [
      "The plan is the worker's own: configured and allowed providers only. Score = 100 − 10 × priority, +50 when the",
      "scene type is one of the provider's strengths, +points per prompt keyword group; ties keep catalogue order. The",
      'preferred provider goes first. A provider that cannot render the aspect ratio, or whose prompt limit the prompt',
      'exceeds, is skipped (–) with the reason. DURATION is the allowed duration the provider would be asked for, and',
      "ESTIMATE the catalogue's price for it. The catalogue honours SCENE_VIDEO_CATALOGUE and",
      'SCENE_VIDEO_DISABLED_PROVIDERS like the worker does.',
      'Exit codes: 0 planned, 1 the worker would fail the scene (no provider it may use can take it), 2 invalid flags.',
    ],
    examples: [
      'scene-video rank --scene-type testimonial --prompt "A woman smiling at the camera"',
      'scene-video rank --scene-type hook --prompt "Cinematic sunrise" --aspect 1:1 --duration 8 --preferred luma',
    ],
  },
  async run(args, { out, env }) {
    const catalogue = activeCatalogue(env);
    const configured = args.list('configured') ?? catalogue.map((p) => p.key);
    const unknown = configured.filter((k) => !catalogue.some((p) => p.key === k));
    if (unknown.length > 0) {
      throw args.usage(
        `--configured names unknown providers: ${unknown.join(', ')} (known: ${catalogue.map((p) => p.key).join(', ')})`,
      );
    }
    // Planning never reads the scene id; the schema wants one.
    const scene = validateSceneFlags(
      args,
      { sceneId: 'rank', ...planningFields(args, rankDefaults) },
      knownCatalogue(env),
    );
    let plan: ProviderPlan;
    try {
      plan = planProviders(scene, catalogue, configured);
    } catch (err) {
      if (!(err instanceof PlanError)) throw err;
      // The words the scene's failure would carry.
      throw new CliError(
        `the worker would fail this scene (${failureTypes.notConfigured}): cannot plan providers: ${err.message}`,
        exitCodes.failed,
      );
    }
    const view = rankView(scene, plan);
    const { sceneType, prompt, durationSec, aspectRatio, preferredProvider, allowedProviders } = scene;
    out.emit(
      { sceneType, prompt, durationSec, aspectRatio, preferredProvider, allowedProviders, configured, ...view },
      () => renderRankView(scene, view, out.paint),
    );
    return exitCodes.ok;
  },
};
