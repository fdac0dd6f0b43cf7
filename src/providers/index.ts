import { createPiapiClient, type PiapiClientOptions } from './piapi';
import { createRunwayClient, type RunwayClientOptions } from './runway';
import type { ProviderModelSettings, VideoProviderClient } from './types';

export * from './types';
export { buildPiapiTaskRequest, createPiapiClient, parsePiapiTask, type PiapiClientOptions } from './piapi';
export { buildRunwayTaskRequest, createRunwayClient, parseRunwayTask, type RunwayClientOptions } from './runway';

/** One client per API route, so a caller picks the adapter with `request.model.route`. */
export function createProviderClients(options: {
  piapi: PiapiClientOptions;
  runway: RunwayClientOptions;
}): Record<ProviderModelSettings['route'], VideoProviderClient> {
  return { piapi: createPiapiClient(options.piapi), runway: createRunwayClient(options.runway) };
}
