import type { ProviderRoute } from '../../contract/provider-task';
import { checkRouteAccounts, type RouteAccountCheck } from '../../providers/accounts';
import { anyRouteKeyHint, routeRegistry } from '../../providers/routes';
import type { Command } from '../command';
import { activeCatalogue, isConfigured, routeKeyEnv } from '../env-catalogue';
import { exitCodes } from '../errors';
import { usd } from '../format';
import { table, type Palette } from '../output';

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
    options: {
      check: {
        type: 'boolean',
        description: "Also ask each configured route's API for the account's balance and per-model limits",
      },
    },
    details: [
      'The catalogue is the built-in one with SCENE_VIDEO_CATALOGUE and SCENE_VIDEO_DISABLED_PROVIDERS applied.',
      `A provider is configured when its API route has a key: ${Object.entries(routeKeyEnv)
        .map(([route, key]) => `${route} → ${key}`)
        .join(', ')}. Keys are never printed.`,
      '--check asks each configured route for its account (Runway GET /v1/organization, PiAPI GET /account/info): the',
      'balance in USD (Runway credits at 0.01 USD) and, where the API reports them, per-model limits in generations.',
      'A route that cannot be checked gets a line saying why and what to do.',
      'Exit codes: 0 listed (with --check: every configured route checked), 1 a configured route could not be checked,',
      '2 --check with no route configured, or a bad catalogue.',
    ],
    examples: ['scene-video providers --check'],
  },
  async run(args, { out, env }) {
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
    const checks = args.flag('check') ? await checkRouteAccounts(env) : undefined;
    out.emit(
      {
        providers,
        disabled:
          disabled
            ?.split(',')
            .map((s) => s.trim())
            .filter(Boolean) ?? [],
        ...(checks ? { accounts: checks.map(accountDocument) } : {}),
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
        if (checks) lines.push('', ...renderChecks(checks, out.paint));
        return lines.join('\n');
      },
    );
    if (!checks) return exitCodes.ok;
    if (checks.length === 0) return exitCodes.usage;
    return checks.every((c) => c.checked) ? exitCodes.ok : exitCodes.failed;
  },
};

function accountDocument(check: RouteAccountCheck) {
  const { label } = routeRegistry[check.route];
  if (!check.checked) return { route: check.route, label, checked: false, problem: check.problem, hint: check.hint };
  // null, not absent: a balance the API did not report is unknown, and the document says so.
  return { route: check.route, label, checked: true, ...check.account, balanceUsd: check.account.balanceUsd ?? null };
}

const limitColumns = [
  { header: 'MODEL' },
  { header: 'CONCURRENT (generations)', align: 'right' as const },
  { header: 'DAILY LIMIT (generations/24 h)', align: 'right' as const },
  { header: 'USED TODAY (generations)', align: 'right' as const },
];

/** Per route: its balance and limits, or why it could not be checked and what to do; unconfigured routes say so. */
function renderChecks(checks: RouteAccountCheck[], paint: Palette): string[] {
  if (checks.length === 0) return [paint.red(`Nothing to check: no route is configured (set ${anyRouteKeyHint}).`)];
  const byRoute = new Map(checks.map((c) => [c.route, c]));
  const routes = Object.keys(routeRegistry) as ProviderRoute[];
  return ['Accounts:'].concat(
    routes.flatMap((route) => {
      const { label, keyEnv } = routeRegistry[route];
      const check = byRoute.get(route);
      if (!check) return [paint.dim(`  ${label}: not configured (set ${keyEnv}); not checked`)];
      if (!check.checked) return [paint.red(`  ${label}: could not be checked: ${check.problem}`), `    ${check.hint}`];
      const { balanceUsd, credits, plan, models } = check.account;
      const balance = balanceUsd === undefined ? paint.yellow('unknown (the API reported none)') : usd(balanceUsd);
      const extras = [
        credits === undefined ? undefined : `${credits.amount} ${credits.unit}`,
        plan === undefined ? undefined : `plan ${plan}`,
      ].filter((e): e is string => e !== undefined);
      const lines = [`  ${label}: balance ${balance}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`];
      const rows = Object.entries(models).map(([model, l]) => [
        model,
        l.maxConcurrentGenerations === undefined ? '–' : String(l.maxConcurrentGenerations),
        l.maxDailyGenerations === undefined ? '–' : String(l.maxDailyGenerations),
        l.dailyGenerations === undefined ? '–' : String(l.dailyGenerations),
      ]);
      if (rows.length > 0) lines.push(table(limitColumns, rows, '    '));
      else lines.push(paint.dim('    no per-model limits reported'));
      return lines;
    }),
  );
}
