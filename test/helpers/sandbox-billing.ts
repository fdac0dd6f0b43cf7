import { scenarioSchema, type Sandbox } from '../../dev/sandbox';

/**
 * What the sandbox's two accounts have been billed since it started (or since its last reset), in USD, for a scenario
 * that keeps the default starting balances.
 */
export async function sandboxBilledUsd(sandbox: Sandbox): Promise<number> {
  const piapi = (await (
    await fetch(`${sandbox.piapiBaseUrl}/account/info`, { headers: { 'x-api-key': sandbox.apiKeys.piapi } })
  ).json()) as { data: { equivalent_in_usd: number } };
  const runway = (await (
    await fetch(`${sandbox.runwayBaseUrl}/v1/organization`, {
      headers: { authorization: `Bearer ${sandbox.apiKeys.runway}`, 'x-runway-version': '2024-11-06' },
    })
  ).json()) as { creditBalance: number };
  const start = scenarioSchema.parse({}).account;
  // Runway credits are $0.01 each.
  const usd = start.piapiUsd - piapi.data.equivalent_in_usd + (start.runwayCredits - runway.creditBalance) / 100;
  return Math.round(usd * 1_000_000) / 1_000_000;
}
