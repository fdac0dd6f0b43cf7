import { readFileSync } from 'node:fs';
import type { WorkerEnv } from '../../src/config/environment';
import { providerRoutes } from '../../src/contract/provider-task';
import { configuredRoutes, routeRegistry } from '../../src/providers/routes';
import { sandboxRouteEnv } from '../harness/sandbox-routes';
import { startSandbox, type Sandbox } from '../sandbox';

export interface ProviderSource {
  /** The worker environment with provider base URLs and keys filled in. */
  env: WorkerEnv;
  sandbox?: Sandbox;
  description: string;
}

/** Real providers when their keys are in the environment; otherwise the local emulators, and one line saying so. */
export async function providerSource(env: WorkerEnv, scenarioFile: string): Promise<ProviderSource> {
  const real = configuredRoutes(env);
  if (real.length > 0) {
    const apis = real.map((route) => routeRegistry[route].label).join(' and ');
    return { env, description: `Provider keys found: using the real ${apis} APIs (this costs money).` };
  }
  const sandbox = await startSandbox({ scenario: JSON.parse(readFileSync(scenarioFile, 'utf8')) as object });
  const keys = providerRoutes.map((route) => routeRegistry[route].keyEnv).join(' or ');
  return {
    sandbox,
    env: { ...env, ...sandboxRouteEnv(sandbox), SANDBOX_ORIGIN: sandbox.origin },
    description: `No ${keys} set: using the local sandbox providers at ${sandbox.origin} (scenario ${scenarioFile}).`,
  };
}
