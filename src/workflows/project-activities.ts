import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { SceneActivities } from '../activities';
import { sceneEndedTypes } from '../contract/project-workflow';
import { failureTypes } from '../contract/scene-workflow';

export const { prepareProject } = proxyLocalActivities<SceneActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

// A scene that ended without a clip is a non-retryable failure (see the activity); retries only ride out lost workers.
export const { awaitSceneResult } = proxyActivities<SceneActivities>({
  startToCloseTimeout: '1 day',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: Object.values(sceneEndedTypes),
  },
});

// One look per project run at every scene's ids (describe and, for a run found, its history and progress query).
export const { findSceneRuns } = proxyActivities<SceneActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

// S3 blips are ridden out for about two minutes (1 + 2 + 4 … capped at 30 s, 8 tries; a refusal such as denied access
// is not retried); the manifest is then reported missing in the result rather than holding a finished project open
// (see storeManifest).
export const { writeProjectManifest } = proxyActivities<SceneActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [failureTypes.invalidManifest],
  },
});
