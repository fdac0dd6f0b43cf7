import { rankProvidersForScene } from '../../domain/ranking';
import type { Command } from '../command';
import { activeCatalogue } from '../env-catalogue';
import { exitCodes } from '../errors';
import { table } from '../output';

export const rankCommand: Command = {
  name: 'rank',
  summary: 'Show how the worker would rank providers for a scene, with scores and reasons (no server needed)',
  usage: {
    positionals: [],
    options: {
      'scene-type': {
        type: 'string',
        value: '<type>',
        description: 'Scene type, e.g. hook, testimonial, product, broll',
      },
      prompt: { type: 'string', value: '<text>', description: 'The visual prompt; keywords in it add points' },
      configured: {
        type: 'string',
        value: '<a,b,…>',
        description: 'Providers to rank (default: every provider in the catalogue)',
      },
    },
    details: [
      "Score = 100 − 10 × priority, +50 when the scene type is one of the provider's strengths, +points per prompt",
      'keyword group. Ties keep catalogue order. The catalogue honours SCENE_VIDEO_CATALOGUE and',
      'SCENE_VIDEO_DISABLED_PROVIDERS like the worker does.',
    ],
    examples: ['scene-video rank --scene-type testimonial --prompt "A woman smiling at the camera"'],
  },
  async run(args, { out, env }) {
    const sceneType = args.required('scene-type');
    const prompt = args.required('prompt');
    const catalogue = activeCatalogue(env);
    const configured = args.list('configured') ?? catalogue.map((p) => p.key);
    const unknown = configured.filter((k) => !catalogue.some((p) => p.key === k));
    if (unknown.length > 0) {
      throw args.usage(
        `--configured names unknown providers: ${unknown.join(', ')} (known: ${catalogue.map((p) => p.key).join(', ')})`,
      );
    }
    const ranking = rankProvidersForScene(catalogue, sceneType, prompt, configured);
    out.emit({ sceneType, prompt, configured, ranking }, () =>
      table(
        [
          { header: '#', align: 'right' },
          { header: 'PROVIDER' },
          { header: 'SCORE (points)', align: 'right' },
          { header: 'REASONS' },
        ],
        ranking.map((r, i) => [String(i + 1), r.provider, String(r.score), r.reasons.join('; ')]),
      ),
    );
    return exitCodes.ok;
  },
};
