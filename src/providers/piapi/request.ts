import { forRequest, type ModelCapabilities } from '../capabilities';
import { nonEmptyString } from '../json';
import { checkDuration, checkPrompt, definedOnly, invalidRequest, mapAspect } from '../request-checks';
import type { GenerationRequest } from '../types';
import { isPiapiModel, piapiModels, type PiapiModel } from './models';

export interface PiapiTaskRequest {
  model: string;
  task_type: string;
  input: Record<string, unknown>;
  config?: {
    webhook_config?: { endpoint: string; secret: string };
    service_mode?: 'public' | 'private';
  };
}

type Builder = (req: GenerationRequest, model: ModelCapabilities) => PiapiTaskRequest;

const builders: Record<PiapiModel, Builder> = {
  kling: buildKling,
  luma: buildLuma,
  hailuo: buildHailuo,
  'Qubico/hunyuan': buildHunyuan,
  'veo3.1': buildVeo31,
};

export function buildPiapiTaskRequest(request: GenerationRequest): PiapiTaskRequest {
  const model = request.model.model;
  if (!isPiapiModel(model)) throw invalidRequest(`PiAPI model ${model} is not supported by this client`);
  const req = {
    ...request,
    negativePrompt: nonEmptyString(request.negativePrompt),
    imageUrl: nonEmptyString(request.imageUrl),
  };
  return builders[model](req, piapiModels[model]);
}

const sameRatio = { '16:9': '16:9', '9:16': '9:16', '1:1': '1:1' } as const;

/** The request's duration and aspect ratio once the model is known to render them, and its prompt to fit. */
function checked(label: string, req: GenerationRequest, model: ModelCapabilities) {
  const allowed = forRequest(model, req.imageUrl);
  const aspectRatio = mapAspect(label, req.aspectRatio, allowed.aspectRatios, sameRatio);
  checkPrompt(`${label} prompt`, req.prompt, model.maxPromptChars);
  return { durationSec: checkDuration(label, req.durationSec, allowed.durationsSec), aspectRatio };
}

function buildKling(req: GenerationRequest, model: ModelCapabilities): PiapiTaskRequest {
  const { durationSec, aspectRatio } = checked('kling', req, model);
  return {
    model: 'kling',
    task_type: 'video_generation',
    input: definedOnly({
      prompt: req.prompt,
      negative_prompt: req.negativePrompt,
      duration: durationSec,
      aspect_ratio: aspectRatio,
      mode: String(req.model.options?.mode ?? 'std'),
      version: String(req.model.options?.version ?? '2.6'),
      image_url: req.imageUrl,
    }),
  };
}

function buildLuma(req: GenerationRequest, model: ModelCapabilities): PiapiTaskRequest {
  const { durationSec, aspectRatio } = checked('luma', req, model);
  return {
    model: 'luma',
    task_type: 'video_generation',
    input: definedOnly({
      prompt: req.prompt,
      duration: durationSec,
      aspect_ratio: aspectRatio,
      key_frames: req.imageUrl ? { frame0: { type: 'image', url: req.imageUrl } } : undefined,
    }),
  };
}

function buildHailuo(req: GenerationRequest, model: ModelCapabilities): PiapiTaskRequest {
  const variant = req.imageUrl ? 'i2v-01' : 't2v-01';
  checked(`hailuo ${variant}`, req, model);
  return {
    model: 'hailuo',
    task_type: 'video_generation',
    input: definedOnly({ prompt: req.prompt, model: variant, image_url: req.imageUrl, expand_prompt: false }),
  };
}

function buildHunyuan(req: GenerationRequest, model: ModelCapabilities): PiapiTaskRequest {
  const { aspectRatio } = checked('hunyuan', req, model);
  return {
    model: 'Qubico/hunyuan',
    task_type: req.imageUrl ? 'img2video-concat' : 'txt2video',
    input: definedOnly({
      prompt: req.prompt,
      negative_prompt: req.negativePrompt,
      aspect_ratio: aspectRatio,
      image: req.imageUrl,
    }),
  };
}

const veo31TaskTypes = ['veo3.1-video', 'veo3.1-video-fast'];

function buildVeo31(req: GenerationRequest, model: ModelCapabilities): PiapiTaskRequest {
  const taskType = req.model.taskType ?? 'veo3.1-video';
  if (!veo31TaskTypes.includes(taskType)) {
    throw invalidRequest(`veo3.1 task_type must be one of ${veo31TaskTypes.join(', ')}, got ${taskType}`);
  }
  const { durationSec, aspectRatio } = checked('veo3.1', req, model);
  return {
    model: 'veo3.1',
    task_type: taskType,
    input: definedOnly({
      prompt: req.prompt,
      negative_prompt: req.negativePrompt,
      aspect_ratio: aspectRatio,
      duration: `${durationSec}s`,
      resolution: '720p',
      generate_audio: false,
      image_url: req.imageUrl,
    }),
  };
}
