import type { Command } from '../command';
import { activeCatalogue, isConfigured, routeKeyEnv } from '../env-catalogue';
import { exitCodes } from '../errors';
import { table } from '../output';

const billingText = {
  success_only: 'pays for successful clips only',
  success_or_moderated: 'pays for successes and moderated (content-policy) failures',
  always: 'pays for every task, failed or not',
} as const;

export const providersCommand: Command = {
  name: 'providers',
  summary: 'List the provider catalogue: prices, limits, billing, and whether this environment configures each',
  usage: {
    positionals: [],
    options: {},
    details: [
      'The catalogue is the built-in one with SCENE_VIDEO_CATALOGUE and SCENE_VIDEO_DISABLED_PROVIDERS applied.',
      `A provider is configured when its API route has a key: ${Object.entries(routeKeyEnv)
        .map(([route, key]) => `${route} → ${key}`)
        .join(', ')}. Keys are never printed.`,
    ],
  },
  async run(_args, { out, env }) {
    const catalogue = activeCatalogue(env);
    const providers = catalogue.map((p) => ({
      key: p.key,
      name: p.displayName,
      route: p.route,
      keyVariable: routeKeyEnv[p.route],
      configured: isConfigured(p, env),
      costPerSecondUsd: p.costPerSecondUsd,
      maxCostPerSecondUsd: p.maxCostPerSecondUsd ?? p.costPerSecondUsd,
      maxPromptChars: p.maxPromptChars,
      maxDurationSec: p.maxDurationSec,
      allowedDurationsSec: p.allowedDurationsSec,
      aspectRatios: p.aspectRatios,
      billing: p.billing,
      strengths: p.strengths,
      priority: p.priority,
    }));
    const disabled = env.SCENE_VIDEO_DISABLED_PROVIDERS?.trim() || undefined;
    out.emit(
      {
        providers,
        disabled:
          disabled
            ?.split(',')
            .map((s) => s.trim())
            .filter(Boolean) ?? [],
      },
      () => {
        const rows = providers.map((p) => [
          p.key,
          p.name,
          p.route,
          p.configured ? out.paint.green('yes') : out.paint.dim(`no (set ${p.keyVariable})`),
          p.costPerSecondUsd.toFixed(4),
          String(p.maxDurationSec),
          p.allowedDurationsSec.join(','),
          p.aspectRatios.join(' '),
          `${p.billing}: ${billingText[p.billing]}`,
        ]);
        const lines = [
          table(
            [
              { header: 'KEY' },
              { header: 'NAME' },
              { header: 'ROUTE' },
              { header: 'CONFIGURED' },
              { header: 'COST (USD/s)', align: 'right' },
              { header: 'MAX (s)', align: 'right' },
              { header: 'DURATIONS (s)' },
              { header: 'ASPECT RATIOS' },
              { header: 'BILLING' },
            ],
            rows,
          ),
        ];
        if (disabled) lines.push('', `Disabled by SCENE_VIDEO_DISABLED_PROVIDERS: ${disabled}`);
        return lines.join('\n');
      },
    );
    return exitCodes.ok;
  },
};
