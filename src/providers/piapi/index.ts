export { parsePiapiAccount } from './account';
export { createPiapiClient, piapiDefaultBaseUrl, type PiapiClientOptions } from './client';
export { piapiModels } from './models';
export { buildPiapiTaskRequest, type PiapiTaskRequest } from './request';
export { parsePiapiTask } from './task';
