import { aspectValue, forRequest, selectVariant, sendableDurations, type ModelCapabilities } from '../capabilities';
import { nonEmptyString } from '../json';
import {
  checkAspect,
  checkDuration,
  checkPrompt,
  definedOnly,
  invalidRequest,
  type RequestSettings,
} from '../request-checks';
import type { GenerationRequest, ProviderModelSettings } from '../types';
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

const klingDefaults = { version: '2.6', mode: 'std' };

/**
 * The task types and option values each builder sends, and none other: Kling's are the ones priced in its facts,
 * Hailuo's `model` selects a variant, and Hunyuan's image-to-video task type follows the scene's input image.
 */
export const piapiSettings: Record<PiapiModel, RequestSettings> = {
  kling: { taskTypes: ['video_generation'], options: { version: [klingDefaults.version], mode: ['std', 'pro'] } },
  luma: { taskTypes: ['video_generation'], options: {} },
  hailuo: { taskTypes: ['video_generation'], options: { model: Object.keys(piapiModels.hailuo.variants!.models) } },
  'Qubico/hunyuan': { taskTypes: ['txt2video'], options: {} },
  'veo3.1': { taskTypes: ['veo3.1-video', 'veo3.1-video-fast'], options: {} },
};

export function buildPiapiTaskRequest(request: GenerationRequest): PiapiTaskRequest {
  const model = request.model.model;
  if (!isPiapiModel(model)) throw invalidRequest(`PiAPI model ${model} is not supported by this client`);
  const req = {
    ...request,
    negativePrompt: nonEmptyString(request.negativePrompt),
    imageUrl: nonEmptyString(request.imageUrl),
  };
  const capabilities = selectVariant(piapiModels[model], request.model.options);
  if (!capabilities) throw invalidRequest(unknownVariant(model, request.model));
  return builders[model](req, capabilities);
}

function unknownVariant(model: PiapiModel, settings: ProviderModelSettings): string {
  const { option, models } = piapiModels[model].variants!;
  return (
    `PiAPI ${model} has no ${option} "${String(settings.options?.[option])}" ` +
    `(leave options.${option} out, or set one of ${Object.keys(models).join(', ')})`
  );
}

/**
 * The price list entry (`Price.variant` in the model's facts) for the request these settings send: what the
 * catalogue prices an entry at.
 */
export function piapiPriceVariant(settings: ProviderModelSettings): string {
  const option = (name: string, fallback: string) => String(settings.options?.[name] ?? fallback);
  switch (settings.model as PiapiModel) {
    case 'kling':
      return `${option('version', klingDefaults.version)} ${option('mode', klingDefaults.mode)}, no audio`;
    case 'luma':
      return lumaModel;
    case 'hailuo':
      return settings.options?.model === hailuoV23.model ? `${hailuoV23.model}, 768p` : '01';
    case 'Qubico/hunyuan':
      return settings.taskType ?? 'txt2video';
    case 'veo3.1':
      return `${settings.taskType ?? 'veo3.1-video'}, no audio`;
  }
}

/**
 * The request's duration and the aspect ratio value the model takes (none for a model that takes none), once the
 * model is known to render them; its prompt to fit; and the audio fields it is sent. Opt-in durations pass: planning
 * asks for them only when the catalogue lists them.
 */
function checked(label: string, req: GenerationRequest, model: ModelCapabilities) {
  checkAspect(label, req.aspectRatio, forRequest(model, req.imageUrl).aspectRatios);
  checkPrompt(`${label} prompt`, req.prompt, model.maxPromptChars);
  return {
    durationSec: checkDuration(label, req.durationSec, sendableDurations(model, req.imageUrl)),
    aspectRatio: aspectValue(model, req.aspectRatio, req.imageUrl) ?? undefined,
    audio: model.facts.audio.value.sent,
  };
}

function buildKling(req: GenerationRequest, model: ModelCapabilities): PiapiTaskRequest {
  const { durationSec, aspectRatio, audio } = checked('kling', req, model);
  return {
    model: 'kling',
    task_type: 'video_generation',
    input: definedOnly({
      prompt: req.prompt,
      negative_prompt: req.negativePrompt,
      duration: durationSec,
      aspect_ratio: aspectRatio,
      mode: String(req.model.options?.mode ?? klingDefaults.mode),
      version: String(req.model.options?.version ?? klingDefaults.version),
      ...audio,
      image_url: req.imageUrl,
    }),
  };
}

const lumaModel = 'ray-v2';

function buildLuma(req: GenerationRequest, model: ModelCapabilities): PiapiTaskRequest {
  const { durationSec, aspectRatio } = checked('luma', req, model);
  return {
    model: 'luma',
    task_type: 'video_generation',
    input: definedOnly({
      model: lumaModel,
      prompt: req.prompt,
      duration: durationSec,
      aspect_ratio: aspectRatio,
      start_image: req.imageUrl,
    }),
  };
}

/** v2.3 at 768p, the resolution that renders both 6 and 10 s; sent as an integer, as n8n sends it for the 02 models. */
const hailuoV23 = { model: 'v2.3', resolution: 768 };

function buildHailuo(req: GenerationRequest, model: ModelCapabilities): PiapiTaskRequest {
  if (req.model.options?.model !== hailuoV23.model) {
    const variant = req.imageUrl ? 'i2v-01' : 't2v-01';
    checked(`hailuo ${variant}`, req, model);
    return {
      model: 'hailuo',
      task_type: 'video_generation',
      input: definedOnly({ prompt: req.prompt, model: variant, image_url: req.imageUrl, expand_prompt: false }),
    };
  }
  const { durationSec } = checked(`hailuo ${hailuoV23.model}`, req, model);
  return {
    model: 'hailuo',
    task_type: 'video_generation',
    input: definedOnly({
      prompt: req.prompt,
      model: hailuoV23.model,
      duration: durationSec,
      resolution: hailuoV23.resolution,
      image_url: req.imageUrl,
      expand_prompt: false,
    }),
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

function buildVeo31(req: GenerationRequest, model: ModelCapabilities): PiapiTaskRequest {
  const taskType = req.model.taskType ?? 'veo3.1-video';
  if (!piapiSettings['veo3.1'].taskTypes!.includes(taskType)) {
    throw invalidRequest(
      `veo3.1 task_type must be one of ${piapiSettings['veo3.1'].taskTypes!.join(', ')}, got ${taskType}`,
    );
  }
  const { durationSec, aspectRatio, audio } = checked('veo3.1', req, model);
  return {
    model: 'veo3.1',
    task_type: taskType,
    input: definedOnly({
      prompt: req.prompt,
      negative_prompt: req.negativePrompt,
      aspect_ratio: aspectRatio,
      duration: `${durationSec}s`,
      resolution: '720p',
      ...audio,
      image_url: req.imageUrl,
    }),
  };
}
