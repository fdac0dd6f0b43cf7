import { z } from 'zod';
import { excerpt, retryAfterMs, sendJson, type HttpReply } from './http';
import { at, clampUnit, finiteNumber, nonEmptyString } from './json';
import { definedOnly, invalidRequest, mapAspect, pickDuration, type AspectRatio } from './mapping';
import {
  ProviderError,
  type CallOptions,
  type GenerationRequest,
  type ProviderErrorKind,
  type ProviderTaskSnapshot,
  type VideoProviderClient,
} from './types';

export interface RunwayClientOptions {
  baseUrl?: string;
  apiKey: string;
  /** Per-call timeout when the caller gives none. */
  timeoutMs?: number;
  /** The largest reply body read; a longer one fails the call as a protocol error (default 4 MiB). */
  maxReplyBytes?: number;
}

export interface BuiltRunwayTask {
  path: '/v1/text_to_video' | '/v1/image_to_video';
  body: Record<string, unknown>;
  durationSec: number;
}

interface RunwayModelSpec {
  durations: readonly number[];
  textToVideo: boolean;
  /** Whether image-to-video takes a prompt-less request. */
  promptOptionalWithImage: boolean;
  /** 960:960 exists only for image-to-video on these models. */
  squareWithImage: boolean;
  seed: boolean;
  negativePrompt: boolean;
  audio: boolean;
}

const veo31: RunwayModelSpec = {
  durations: [4, 6, 8],
  textToVideo: true,
  promptOptionalWithImage: true,
  squareWithImage: false,
  seed: false,
  negativePrompt: true,
  audio: true,
};

// The API rejects unknown properties per model (discriminated union, additionalProperties false).
const runwayModels: Record<string, RunwayModelSpec> = {
  'gen4.5': {
    durations: [2, 3, 4, 5, 6, 7, 8, 9, 10],
    textToVideo: true,
    promptOptionalWithImage: false,
    squareWithImage: true,
    seed: true,
    negativePrompt: false,
    audio: false,
  },
  // The SDK now types duration as any number, but only 5 and 10 were ever documented.
  gen4_turbo: {
    durations: [5, 10],
    textToVideo: false,
    promptOptionalWithImage: true,
    squareWithImage: true,
    seed: true,
    negativePrompt: false,
    audio: false,
  },
  'veo3.1': veo31,
  'veo3.1_fast': veo31,
  veo3: {
    durations: [8],
    textToVideo: true,
    promptOptionalWithImage: true,
    squareWithImage: false,
    seed: false,
    negativePrompt: true,
    audio: false,
  },
};

const defaultBaseUrl = 'https://api.dev.runwayml.com';
const apiVersion = '2024-11-06';
const defaultTimeoutMs = 30_000;
/** $0.01 per credit; dividing keeps cents exact where multiplying by 0.01 would not. */
const creditsPerUsd = 100;
const maxPromptLength = 1000;

export function buildRunwayTaskRequest(req: GenerationRequest): BuiltRunwayTask {
  const model = req.model.model;
  const spec = runwayModels[model];
  if (!spec) throw invalidRequest(`Runway model ${model} is not supported by this client`);
  const image = nonEmptyString(req.imageUrl);
  if (!image && !spec.textToVideo) throw invalidRequest(`Runway ${model} needs an input image`);

  const prompt = nonEmptyString(req.prompt);
  if (!prompt && !(image && spec.promptOptionalWithImage)) throw invalidRequest(`Runway ${model} needs a prompt`);
  // promptText is limited in UTF-16 code units, which is what String#length counts.
  if (prompt && prompt.length > maxPromptLength) {
    throw invalidRequest(`Runway promptText is ${prompt.length} characters; the limit is ${maxPromptLength}`);
  }

  const ratios: Partial<Record<AspectRatio, string>> = { '16:9': '1280:720', '9:16': '720:1280' };
  if (image && spec.squareWithImage) ratios['1:1'] = '960:960';
  const durationSec = pickDuration(req.durationSec, spec.durations);
  const seed = req.model.options?.seed;

  return {
    path: image ? '/v1/image_to_video' : '/v1/text_to_video',
    durationSec,
    body: definedOnly({
      model,
      promptText: prompt,
      promptImage: image,
      ratio: mapAspect(`Runway ${model}${image ? ' image-to-video' : ''}`, req.aspectRatio, ratios),
      duration: durationSec,
      seed: spec.seed && Number.isInteger(seed) ? seed : undefined,
      negativePrompt: spec.negativePrompt ? nonEmptyString(req.negativePrompt) : undefined,
      audio: spec.audio ? false : undefined,
    }),
  };
}

const taskSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
});

export function parseRunwayTask(body: unknown): ProviderTaskSnapshot {
  const parsed = taskSchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'task'}: ${i.message}`).join('; ');
    throw new ProviderError('protocol', `Runway returned something that is not a task (${problems})`);
  }
  const { id: taskId, status } = parsed.data;
  const snapshot = runwaySnapshot(taskId, status.toUpperCase(), body);
  const credits = finiteNumber(at(body, 'cost', 'credits'));
  if (credits !== undefined && credits >= 0) snapshot.costUsd = credits / creditsPerUsd;
  return snapshot;
}

function runwaySnapshot(taskId: string, status: string, task: unknown): ProviderTaskSnapshot {
  switch (status) {
    case 'PENDING':
    case 'THROTTLED':
      return { taskId, state: 'queued' };
    case 'RUNNING': {
      const progress = finiteNumber(at(task, 'progress'));
      return progress === undefined
        ? { taskId, state: 'running' }
        : { taskId, state: 'running', progress: clampUnit(progress) };
    }
    case 'SUCCEEDED': {
      const videoUrl = nonEmptyString(at(task, 'output', 0));
      if (!videoUrl) throw new ProviderError('protocol', `Runway task ${taskId} succeeded without an output URL`);
      return { taskId, state: 'succeeded', videoUrl };
    }
    case 'FAILED':
      return { taskId, state: 'failed', failure: runwayFailure(at(task, 'failure'), at(task, 'failureCode')) };
    case 'CANCELLED':
      return { taskId, state: 'cancelled' };
    default:
      throw new ProviderError('protocol', `Runway task ${taskId} has unknown status ${status}`);
  }
}

function runwayFailure(failure: unknown, failureCode: unknown): NonNullable<ProviderTaskSnapshot['failure']> {
  const code = nonEmptyString(failureCode);
  // failureCode is dot-separated from generic to specific, and the set is open-ended.
  const segments = code?.toUpperCase() ?? '';
  const under = (prefix: string) => segments === prefix || segments.startsWith(`${prefix}.`);
  const contentPolicy = under('SAFETY') || under('INPUT_PREPROCESSING.SAFETY');
  return {
    ...(code === undefined ? {} : { code }),
    message: nonEmptyString(failure) ?? `Runway reported the task failed${code ? ` (${code})` : ''}`,
    retryable: !contentPolicy && !under('ASSET.INVALID'),
    contentPolicy,
  };
}

export function runwayErrorKind(status: number, message: string): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500 || status === 408 || status === 409) return 'server';
  if (status >= 400) {
    if (/enough credits/i.test(message)) return 'insufficient_credits';
    if (/\bSAFETY\b|moderat|content polic/i.test(message)) return 'content_policy';
    return 'validation';
  }
  return 'protocol';
}

function replyMessage(reply: HttpReply): string {
  const error = nonEmptyString(at(reply.json, 'error')) ?? nonEmptyString(at(reply.json, 'message'));
  if (!error) return reply.text.trim() === '' ? 'empty body' : excerpt(reply.text);
  const issues = at(reply.json, 'issues');
  if (!Array.isArray(issues) || issues.length === 0) return error;
  const details = issues.map((issue) => {
    const path = at(issue, 'path');
    const where = Array.isArray(path) && path.length > 0 ? `${path.join('.')}: ` : '';
    return `${where}${nonEmptyString(at(issue, 'message')) ?? 'invalid'}`;
  });
  return `${error}: ${details.join('; ')}`;
}

function httpError(label: string, reply: HttpReply): ProviderError {
  const message = replyMessage(reply);
  const unavailableModel = reply.status === 403 && /model variant .* is not available/i.test(message);
  const text = unavailableModel ? `model unavailable to this account: ${message}` : message;
  return new ProviderError(runwayErrorKind(reply.status, message), `${label}: HTTP ${reply.status}: ${text}`, {
    httpStatus: reply.status,
    retryAfterMs: retryAfterMs(reply.headers),
  });
}

export function createRunwayClient(options: RunwayClientOptions): VideoProviderClient {
  const baseUrl = (options.baseUrl ?? defaultBaseUrl).replace(/\/+$/, '');

  /** Sends one call; returns the JSON body of a 2xx reply (when one is expected), or throws the classified failure. */
  async function call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    label: string,
    body: unknown,
    opts: CallOptions | undefined,
  ): Promise<unknown> {
    const fullLabel = `Runway ${method} ${label}`;
    const reply = await sendJson({
      method,
      url: `${baseUrl}${path}`,
      headers: { Authorization: `Bearer ${options.apiKey}`, 'X-Runway-Version': apiVersion },
      secret: options.apiKey,
      body,
      label: fullLabel,
      timeoutMs: opts?.timeoutMs ?? options.timeoutMs ?? defaultTimeoutMs,
      signal: opts?.signal,
      maxReplyBytes: options.maxReplyBytes,
    });
    if (reply.status < 200 || reply.status > 299) throw httpError(fullLabel, reply);
    if (method === 'DELETE' || reply.json !== undefined) return reply.json;
    throw new ProviderError(
      'protocol',
      `${fullLabel}: HTTP ${reply.status} without a JSON body: ${excerpt(reply.text)}`,
      { httpStatus: reply.status },
    );
  }

  return {
    async createTask(request, opts) {
      const built = buildRunwayTaskRequest(request);
      const taskId = nonEmptyString(at(await call('POST', built.path, built.path, built.body, opts), 'id'));
      if (!taskId) throw new ProviderError('protocol', `Runway POST ${built.path}: the reply has no task id`);
      return { taskId, durationSec: built.durationSec };
    },

    async getTask(taskId, opts) {
      const path = `/v1/tasks/${encodeURIComponent(taskId)}`;
      return parseRunwayTask(await call('GET', path, '/v1/tasks/{id}', undefined, opts));
    },

    async cancelTask(taskId, opts) {
      const path = `/v1/tasks/${encodeURIComponent(taskId)}`;
      try {
        await call('DELETE', path, '/v1/tasks/{id}', undefined, opts);
      } catch (err) {
        // A task that is already deleted answers 404: the cancel has nothing left to do.
        if (err instanceof ProviderError && err.kind === 'not_found') return;
        throw err;
      }
    },
  };
}
