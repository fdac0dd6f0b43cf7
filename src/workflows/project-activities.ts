import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { SceneActivities } from '../activities';
import { sceneEndedTypes } from '../contract/project-workflow';

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
