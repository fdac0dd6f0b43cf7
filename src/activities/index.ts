import { awaitSceneResult } from './await-scene-result';
import type { ProviderSetup } from './contracts';
import { createCancelTask } from './cancel-task';
import { createCreateTask } from './create-task';
import { configuredProviders, type ActivityDeps } from './dependencies';
import { createPollStatus } from './poll-status';
import { createUploadToS3 } from './upload-to-s3';

export type { ActivityDeps } from './dependencies';

/** Activities as plain async functions closed over their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    async loadProviderSetup(): Promise<ProviderSetup> {
      return {
        catalogue: deps.catalogue,
        configured: configuredProviders(deps),
        storageFailureMode: deps.storage.failureMode,
      };
    },
    createTask: createCreateTask(deps),
    pollStatus: createPollStatus(deps),
    cancelTask: createCancelTask(deps),
    uploadToS3: createUploadToS3(deps),
    awaitSceneResult,
  };
}

export type SceneActivities = ReturnType<typeof createActivities>;
