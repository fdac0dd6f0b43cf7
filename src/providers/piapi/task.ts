import { z } from 'zod';
import { at, clampUnit, finiteNumber, isRecord, nonEmptyString } from '../json';
import { ProviderError, type ProviderTaskSnapshot, type TaskState } from '../types';
import { envelopeSucceeded, moderationErrorCode, moderationWords } from './errors';

/** Inferred, not documented: three documented prices (Hailuo, motion control, Sora2) all give 10,000,000 units per USD. */
const usageUnitsPerUsd = 10_000_000;

const taskSchema = z.looseObject({
  task_id: z.string().min(1),
  status: z.string(),
});

/** Accepts the get/create envelope `{code, data, message}`, a webhook body `{timestamp, data}`, or a bare task. */
export function parsePiapiTask(body: unknown): ProviderTaskSnapshot {
  const task = unwrapTask(body);
  const parsed = taskSchema.safeParse(task);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'task'}: ${i.message}`).join('; ');
    throw new ProviderError('protocol', `PiAPI returned something that is not a task (${problems})`);
  }
  const { task_id: taskId, status } = parsed.data;
  const state = piapiState(status);
  const snapshot: ProviderTaskSnapshot = { taskId, state };

  const percent = finiteNumber(at(task, 'output', 'percent'));
  if (percent !== undefined) snapshot.progress = clampUnit(percent / 100);

  if (state === 'succeeded') {
    const videoUrl = findVideoUrl(at(task, 'output'));
    if (videoUrl === undefined) {
      throw new ProviderError(
        'protocol',
        `PiAPI task ${taskId} is completed but has no video URL in any known location`,
      );
    }
    snapshot.videoUrl = videoUrl;
    const consume = finiteNumber(at(task, 'meta', 'usage', 'consume'));
    if (consume !== undefined && consume > 0) snapshot.costUsd = consume / usageUnitsPerUsd;
  }
  if (state === 'failed') snapshot.failure = taskFailure(task);
  // Read once the task has ended, when they are all there: the metrics read them then.
  const times = state === 'queued' || state === 'running' ? undefined : taskTimes(at(task, 'meta'));
  if (times !== undefined) snapshot.times = times;
  return snapshot;
}

/** `meta.created_at`, `started_at` and `ended_at`; Go's zero time (year 1) stands for one not reached. */
function taskTimes(meta: unknown): ProviderTaskSnapshot['times'] {
  const instant = (key: string) => {
    const text = nonEmptyString(at(meta, key));
    const ms = text === undefined ? NaN : Date.parse(text);
    return Number.isFinite(ms) && ms > 0 ? ms : undefined;
  };
  const times = { createdMs: instant('created_at'), startedMs: instant('started_at'), endedMs: instant('ended_at') };
  const known = Object.entries(times).filter(([, ms]) => ms !== undefined);
  return known.length === 0 ? undefined : Object.fromEntries(known);
}

function unwrapTask(body: unknown): unknown {
  if (!isRecord(body) || 'task_id' in body || !('data' in body)) return body;
  if (!envelopeSucceeded(body.code)) {
    const message = nonEmptyString(body.message) ?? 'no message';
    throw new ProviderError(
      'protocol',
      `PiAPI envelope carries code ${String(body.code)} instead of a task: ${message}`,
    );
  }
  return body.data;
}

function piapiState(status: string): TaskState {
  switch (status.trim().toLowerCase()) {
    case 'completed':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'processing':
      return 'running';
    case 'cancelled':
    case 'canceled':
      return 'cancelled';
    default:
      // pending, staged and anything undocumented stay non-terminal; the caller's deadline bounds them.
      return 'queued';
  }
}

function findVideoUrl(output: unknown): string | undefined {
  const works = at(output, 'works');
  const workUrls = Array.isArray(works)
    ? works.flatMap((work) => [at(work, 'video', 'resource_without_watermark'), at(work, 'video', 'resource')])
    : [];
  const candidates = [
    at(output, 'video'),
    at(output, 'video', 'url'),
    at(output, 'video_url'),
    ...workUrls,
    at(output, 'video_raw', 'url'),
    at(output, 'generation', 'video', 'url'),
    at(output, 'download_url'),
  ];
  return candidates.map(nonEmptyString).find((url) => url !== undefined);
}

function taskFailure(task: unknown): NonNullable<ProviderTaskSnapshot['failure']> {
  const error = at(task, 'error');
  const message =
    nonEmptyString(at(error, 'message')) ??
    nonEmptyString(at(error, 'raw_message')) ??
    'PiAPI reported the task failed';
  const rawCode = at(error, 'code');
  const code = (typeof rawCode === 'number' && rawCode !== 0) || nonEmptyString(rawCode) ? String(rawCode) : undefined;
  const logs = at(task, 'logs');
  const texts = [
    message,
    at(error, 'raw_message'),
    at(error, 'detail'),
    ...(Array.isArray(logs) ? logs.map((log) => (isRecord(log) ? log.message : log)) : []),
  ].filter((text): text is string => typeof text === 'string');
  const contentPolicy = Number(rawCode) === moderationErrorCode || texts.some((text) => moderationWords.test(text));
  return { ...(code === undefined ? {} : { code }), message, retryable: !contentPolicy, contentPolicy };
}
