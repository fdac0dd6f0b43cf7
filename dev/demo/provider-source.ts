import { readFileSync } from 'node:fs';
import type { WorkerEnv } from '../../src/config/environment';
import { startSandbox, type Sandbox } from '../sandbox';

export interface ProviderSource {
  /** The worker environment with provider base URLs and keys filled in. */
  env: WorkerEnv;
  sandbox?: Sandbox;
  description: string;
}

/** Real providers when their keys are in the environment; otherwise the local emulators, and one line saying so. */
export async function providerSource(env: WorkerEnv, scenarioFile: string): Promise<ProviderSource> {
  if (env.PIAPI_API_KEY || env.RUNWAY_API_KEY) {
    const routes = [env.PIAPI_API_KEY && 'PiAPI', env.RUNWAY_API_KEY && 'Runway'].filter(Boolean).join(' and ');
    return { env, description: `Provider keys found: using the real ${routes} APIs (this costs money).` };
  }
  const sandbox = await startSandbox({ scenario: JSON.parse(readFileSync(scenarioFile, 'utf8')) as object });
  return {
    sandbox,
    env: {
      ...env,
      PIAPI_BASE_URL: sandbox.piapiBaseUrl,
      PIAPI_API_KEY: sandbox.apiKeys.piapi,
      RUNWAY_BASE_URL: sandbox.runwayBaseUrl,
      RUNWAY_API_KEY: sandbox.apiKeys.runway,
      SANDBOX_ORIGIN: sandbox.origin,
    },
    description: `No PIAPI_API_KEY or RUNWAY_API_KEY set: using the local sandbox providers at ${sandbox.origin} (scenario ${scenarioFile}).`,
  };
}
