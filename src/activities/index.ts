import { awaitSceneResult } from './await-scene-result';
import { createCancelTask } from './cancel-task';
import { createCheckTask } from './check-task';
import { createCreateTask } from './create-task';
import type { ActivityDeps } from './dependencies';
import { createFindSceneRuns } from './find-scene-runs';
import { createPollStatus } from './poll-status';
import { createPrepareRun } from './prepare-run';
import { closedGateHolders, readProviderCircuit, reportProviderFailure, requestProviderLease } from './provider-gate';
import { createUploadToS3 } from './upload/upload-to-s3';
import { createWriteProjectManifest } from './write-project-manifest';

export type { ActivityDeps } from './dependencies';

/** Activities as plain async functions closed over their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPrepareRun(deps),
    createTask: createCreateTask(deps),
    pollStatus: createPollStatus(deps),
    checkTask: createCheckTask(deps),
    cancelTask: createCancelTask(deps),
    uploadToS3: createUploadToS3(deps),
    awaitSceneResult,
    findSceneRuns: createFindSceneRuns(deps),
    writeProjectManifest: createWriteProjectManifest(deps),
    requestProviderLease,
    readProviderCircuit,
    reportProviderFailure,
    closedGateHolders,
  };
}

export type SceneActivities = ReturnType<typeof createActivities>;
