export * from './types';
export { checkRouteAccounts, type RouteAccountCheck } from './accounts';
export type { ModelCapabilities } from './capabilities';
export { buildPiapiTaskRequest, createPiapiClient, parsePiapiTask, type PiapiClientOptions } from './piapi';
export { buildRunwayTaskRequest, createRunwayClient, parseRunwayTask, type RunwayClientOptions } from './runway';
export {
  configuredRoutes,
  modelCapabilities,
  routeClients,
  routeKey,
  routeRegistry,
  type RouteAccess,
  type RouteDefinition,
} from './routes';
