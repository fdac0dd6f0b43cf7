import { defaultPayloadConverter, type Client } from '@temporalio/client';
import { checkTaskActivityType, pollStatusActivityType, type PollHeartbeat } from '../contract/activities';
import { getProgress, type SceneProgress } from '../contract/scene-workflow';

/**
 * The workflow's progress, with the running attempt's state and progress refreshed from its poll's latest heartbeat
 * (pollStatus's, or checkTask's between its retries). The workflow itself hears only that rendering started (to keep
 * history flat); the heartbeat has every poll.
 */
export async function liveSceneProgress(client: Client, workflowId: string): Promise<SceneProgress> {
  const handle = client.workflow.getHandle(workflowId);
  const [progress, description] = await Promise.all([handle.query(getProgress), handle.describe()]);
  const current = progress.attempts.find((a) => a.endedAt === undefined && a.taskId !== undefined);
  if (!current) return progress;
  for (const pending of description.raw.pendingActivities ?? []) {
    const payload = pending.heartbeatDetails?.payloads?.[0];
    const type = pending.activityType?.name;
    if ((type !== pollStatusActivityType && type !== checkTaskActivityType) || !payload) continue;
    const beat = defaultPayloadConverter.fromPayload<PollHeartbeat>(payload);
    if (beat.taskId !== current.taskId || current.state === 'uploading') continue;
    if (beat.state) current.state = beat.state;
    if (beat.progress !== undefined) current.progress = beat.progress;
    if (beat.throttled !== undefined) current.throttled = beat.throttled;
    if (beat.throttledMs !== undefined) current.throttledMs = beat.throttledMs;
  }
  return progress;
}
