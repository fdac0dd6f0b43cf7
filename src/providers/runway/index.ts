export { parseRunwayOrganization } from './account';
export { createRunwayClient, runwayDefaultBaseUrl, type RunwayClientOptions } from './client';
export { runwayModels, type RunwayModel } from './models';
export { buildRunwayTaskRequest, runwayPriceVariant, runwaySettings, type BuiltRunwayTask } from './request';
export { parseRunwayTask } from './task';
