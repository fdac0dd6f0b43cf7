import { z } from 'zod';
import { excerpt, retryAfterMs, sendJson, type HttpReply } from './http';
import { at, clampUnit, finiteNumber, isRecord, nonEmptyString } from './json';
import { definedOnly, invalidRequest, mapAspect, pickDuration } from './mapping';
import {
  ProviderError,
  type CallOptions,
  type GenerationRequest,
  type ProviderErrorKind,
  type ProviderTaskSnapshot,
  type TaskState,
  type VideoProviderClient,
} from './types';

export interface PiapiClientOptions {
  baseUrl?: string;
  apiKey: string;
  webhook?: { endpoint: string; secret: string };
  serviceMode?: 'public' | 'private';
  /** Per-call timeout when the caller gives none. */
  timeoutMs?: number;
  /** The largest reply body read; a longer one fails the call as a protocol error (default 4 MiB). */
  maxReplyBytes?: number;
}

export interface PiapiTaskRequest {
  model: string;
  task_type: string;
  input: Record<string, unknown>;
  config?: {
    webhook_config?: { endpoint: string; secret: string };
    service_mode?: 'public' | 'private';
  };
}

export interface BuiltPiapiTask {
  body: PiapiTaskRequest;
  durationSec: number;
}

const defaultBaseUrl = 'https://api.piapi.ai';
const defaultTimeoutMs = 30_000;
/** Inferred, not documented: three documented prices (Hailuo, motion control, Sora2) all give 10,000,000 units per USD. */
const usageUnitsPerUsd = 10_000_000;
/** Seedance's documented code for content violations. */
const moderationErrorCode = 10003;
const moderationWords = /moderat|content policy|(?<!case[- ])sensitive|violat|nsfw|face detection/i;
const creditWords = /\b(credits?|balance|quota)\b|insufficient (funds|points?|credits?|balance|quota)/i;
const missingTaskWords = /not found|no such task|does not exist/i;

const allAspects = { '16:9': '16:9', '9:16': '9:16', '1:1': '1:1' } as const;

export function buildPiapiTaskRequest(request: GenerationRequest): BuiltPiapiTask {
  const req = {
    ...request,
    negativePrompt: nonEmptyString(request.negativePrompt),
    imageUrl: nonEmptyString(request.imageUrl),
  };
  switch (req.model.model) {
    case 'kling':
      return buildKling(req);
    case 'luma':
      return buildLuma(req);
    case 'hailuo':
      return buildHailuo(req);
    case 'Qubico/hunyuan':
      return buildHunyuan(req);
    case 'veo3.1':
      return buildVeo31(req);
    default:
      throw invalidRequest(`PiAPI model ${req.model.model} is not supported by this client`);
  }
}

function buildKling(req: GenerationRequest): BuiltPiapiTask {
  const durationSec = pickDuration(req.durationSec, [5, 10]);
  return {
    durationSec,
    body: {
      model: 'kling',
      task_type: 'video_generation',
      input: definedOnly({
        prompt: req.prompt,
        negative_prompt: req.negativePrompt,
        duration: durationSec,
        aspect_ratio: mapAspect('kling', req.aspectRatio, allAspects),
        mode: String(req.model.options?.mode ?? 'std'),
        version: String(req.model.options?.version ?? '2.6'),
        image_url: req.imageUrl,
      }),
    },
  };
}

function buildLuma(req: GenerationRequest): BuiltPiapiTask {
  // With a key frame Luma renders only 5 s (PiAPI MCP); the catalogue, not the adapter, caps text-to-video lengths.
  const durationSec = pickDuration(req.durationSec, req.imageUrl ? [5] : [5, 10]);
  return {
    durationSec,
    body: {
      model: 'luma',
      task_type: 'video_generation',
      input: definedOnly({
        prompt: req.prompt,
        duration: durationSec,
        aspect_ratio: mapAspect('luma', req.aspectRatio, allAspects),
        key_frames: req.imageUrl ? { frame0: { type: 'image', url: req.imageUrl } } : undefined,
      }),
    },
  };
}

function buildHailuo(req: GenerationRequest): BuiltPiapiTask {
  // Hailuo 01 takes no aspect ratio: text-to-video is always landscape, image-to-video follows the image.
  if (!req.imageUrl) mapAspect('hailuo t2v-01', req.aspectRatio, { '16:9': '16:9' });
  return {
    durationSec: 6,
    body: {
      model: 'hailuo',
      task_type: 'video_generation',
      input: definedOnly({
        prompt: req.prompt,
        model: req.imageUrl ? 'i2v-01' : 't2v-01',
        image_url: req.imageUrl,
        expand_prompt: false,
      }),
    },
  };
}

function buildHunyuan(req: GenerationRequest): BuiltPiapiTask {
  return {
    durationSec: 5,
    body: {
      model: 'Qubico/hunyuan',
      task_type: req.imageUrl ? 'img2video-concat' : 'txt2video',
      input: definedOnly({
        prompt: req.prompt,
        negative_prompt: req.negativePrompt,
        aspect_ratio: mapAspect('hunyuan', req.aspectRatio, allAspects),
        image: req.imageUrl,
      }),
    },
  };
}

const veo31TaskTypes = ['veo3.1-video', 'veo3.1-video-fast'];

function buildVeo31(req: GenerationRequest): BuiltPiapiTask {
  const taskType = req.model.taskType ?? 'veo3.1-video';
  if (!veo31TaskTypes.includes(taskType)) {
    throw invalidRequest(`veo3.1 task_type must be one of ${veo31TaskTypes.join(', ')}, got ${taskType}`);
  }
  const durationSec = pickDuration(req.durationSec, [4, 6, 8]);
  return {
    durationSec,
    body: {
      model: 'veo3.1',
      task_type: taskType,
      input: definedOnly({
        prompt: req.prompt,
        negative_prompt: req.negativePrompt,
        aspect_ratio: mapAspect('veo3.1', req.aspectRatio, { '16:9': '16:9', '9:16': '9:16' }),
        duration: `${durationSec}s`,
        resolution: '720p',
        generate_audio: false,
        image_url: req.imageUrl,
      }),
    },
  };
}

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
  return snapshot;
}

function unwrapTask(body: unknown): unknown {
  if (!isRecord(body) || 'task_id' in body || !('data' in body)) return body;
  if ('code' in body && Number(body.code) !== 200) {
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

/** Classifies an HTTP status, or the `code` of a 200 envelope, the same way; PiAPI documents neither fully. */
export function piapiErrorKind(code: number, message: string, taskLookup = false): ProviderErrorKind {
  if (code === 401) return 'auth';
  if (code === 402) return 'insufficient_credits';
  if (code === 429) return 'rate_limited';
  if ((code >= 500 && code <= 599) || code === 408 || code === 409) return 'server';
  if (code === 404) return 'not_found';
  if (code === moderationErrorCode || moderationWords.test(message)) return 'content_policy';
  if (creditWords.test(message)) return 'insufficient_credits';
  if (code === 403) return 'auth';
  if (code >= 400 && code <= 499) return taskLookup && missingTaskWords.test(message) ? 'not_found' : 'validation';
  return 'protocol';
}

function replyMessage(reply: HttpReply): string {
  const body = reply.json;
  return (
    nonEmptyString(at(body, 'message')) ??
    nonEmptyString(at(body, 'error')) ??
    nonEmptyString(at(body, 'error', 'message')) ??
    nonEmptyString(at(body, 'data', 'error', 'message')) ??
    nonEmptyString(at(body, 'data', 'error', 'raw_message')) ??
    (reply.text.trim() === '' ? 'empty body' : excerpt(reply.text))
  );
}

export function createPiapiClient(options: PiapiClientOptions): VideoProviderClient {
  const baseUrl = (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '');
  const config: PiapiTaskRequest['config'] = {};
  if (options.webhook) config.webhook_config = { endpoint: options.webhook.endpoint, secret: options.webhook.secret };
  if (options.serviceMode) config.service_mode = options.serviceMode;

  /** Sends one call and returns the JSON body of a successful reply, or throws the classified failure. */
  async function call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    label: string,
    body: unknown,
    opts: CallOptions | undefined,
    taskLookup: boolean,
  ): Promise<unknown> {
    const fullLabel = `PiAPI ${method} ${label}`;
    const reply = await sendJson({
      method,
      url: `${baseUrl}${path}`,
      headers: { 'x-api-key': options.apiKey },
      secret: options.apiKey,
      body,
      label: fullLabel,
      timeoutMs: opts?.timeoutMs ?? options.timeoutMs ?? defaultTimeoutMs,
      signal: opts?.signal,
      maxReplyBytes: options.maxReplyBytes,
    });
    const ok = reply.status >= 200 && reply.status <= 299;
    if (ok && reply.json === undefined) {
      throw new ProviderError(
        'protocol',
        `${fullLabel}: HTTP ${reply.status} without a JSON body: ${excerpt(reply.text)}`,
        {
          httpStatus: reply.status,
        },
      );
    }
    const envelopeCode = at(reply.json, 'code');
    const code = ok ? (envelopeCode === undefined ? 200 : Number(envelopeCode)) : reply.status;
    if (code === 200) return reply.json;
    const message = replyMessage(reply);
    const where = ok ? `envelope code ${String(envelopeCode)}` : `HTTP ${reply.status}`;
    throw new ProviderError(piapiErrorKind(code, message, taskLookup), `${fullLabel}: ${where}: ${message}`, {
      httpStatus: reply.status,
      retryAfterMs: retryAfterMs(reply.headers),
    });
  }

  return {
    async createTask(request, opts) {
      const built = buildPiapiTaskRequest(request);
      const body: PiapiTaskRequest = Object.keys(config).length > 0 ? { ...built.body, config } : built.body;
      const reply = await call('POST', '/api/v1/task', '/api/v1/task', body, opts, false);
      const snapshot = parsePiapiTask(reply);
      return { taskId: snapshot.taskId, durationSec: built.durationSec, snapshot };
    },

    async getTask(taskId, opts) {
      const path = `/api/v1/task/${encodeURIComponent(taskId)}`;
      return parsePiapiTask(await call('GET', path, '/api/v1/task/{id}', undefined, opts, true));
    },

    async cancelTask(taskId, opts) {
      const path = `/api/v1/task/${encodeURIComponent(taskId)}`;
      try {
        await call('DELETE', path, '/api/v1/task/{id}', undefined, opts, true);
      } catch (err) {
        // Only pending tasks can be cancelled and the refusal for the others is undocumented: best effort.
        if (err instanceof ProviderError && err.kind !== 'network' && err.kind !== 'auth') return;
        throw err;
      }
    },
  };
}
