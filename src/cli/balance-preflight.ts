import type { ValidProjectInput } from '../contract/project-input';
import { balanceShortfalls, projectEstimateByRoute, type BalanceShortfall } from '../domain/balance-check';
import { checkRouteAccounts } from '../providers/accounts';
import { anyRouteKeyHint, routeRegistry } from '../providers/routes';
import { activeCatalogue, isConfigured } from './env-catalogue';
import { CliError, exitCodes } from './errors';
import { usd } from './format';
import type { Output } from './output';

export const ignoreBalanceFlag = 'ignore-balance';

function refusal(projectId: string, shortfalls: BalanceShortfall[]): CliError {
  const lines = shortfalls.map((s) => {
    const { label, keyEnv } = routeRegistry[s.route];
    return (
      `${label} (${keyEnv}): the estimate is ${usd(s.estimateUsd)} for ${s.sceneIds.length} scene(s) ` +
      `(${s.sceneIds.join(', ')}) but the account reports a balance of ${usd(s.balanceUsd)}`
    );
  });
  return new CliError(
    `project ${projectId} would spend more than the provider balance; nothing was started. ${lines.join('; ')}.`,
    exitCodes.insufficientBalance,
    `Top up the account(s), make the project cheaper (fewer or shorter scenes, budgetUsd), or pass ` +
      `--${ignoreBalanceFlag} to start anyway. Estimates are the catalogue's price of each scene's first-ranked ` +
      'provider (`scene-video rank` shows them), counted for every scene, including those a restarted project will ' +
      'find already stored or running and not pay for again; `scene-video providers --check` shows the balances.',
  );
}

/**
 * Before a project starts: asks each route the project would spend on for its balance, and refuses (throws) when a
 * known balance is below the project's estimate there. A route whose balance cannot be read only warns: the check
 * must never be what stops work the provider would have taken.
 */
export async function checkProjectBalance(project: ValidProjectInput, env: NodeJS.ProcessEnv, out: Output) {
  const catalogue = activeCatalogue(env);
  const configured = catalogue.filter((p) => isConfigured(p, env)).map((p) => p.key);
  if (configured.length === 0) {
    out.warn(
      `provider balances not checked: this environment sets no provider key (${anyRouteKeyHint}), ` +
        `as where the keys live only in the worker's environment; \`scene-video providers --check\` run ` +
        'beside the worker shows the balances.',
    );
    return;
  }
  const estimates = projectEstimateByRoute(project, catalogue, configured);
  const checks = await checkRouteAccounts(env, { routes: estimates.map((e) => e.route) });
  const balances: Parameters<typeof balanceShortfalls>[1] = {};
  for (const check of checks) {
    const { label } = routeRegistry[check.route];
    if (!check.checked) {
      out.warn(`${label} balance not checked (the project is not held back by it): ${check.problem}. ${check.hint}`);
    } else if (check.account.balanceUsd === undefined) {
      out.warn(`${label} reports no balance in USD, so the project is not checked against it.`);
    } else balances[check.route] = check.account.balanceUsd;
  }
  const shortfalls = balanceShortfalls(estimates, balances);
  if (shortfalls.length > 0) throw refusal(project.projectId, shortfalls);
}
