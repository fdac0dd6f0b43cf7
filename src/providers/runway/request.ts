import { forRequest } from '../capabilities';
import { nonEmptyString } from '../json';
import { checkDuration, checkPrompt, definedOnly, invalidRequest, mapAspect } from '../request-checks';
import type { GenerationRequest } from '../types';
import { runwayModels } from './models';

export interface BuiltRunwayTask {
  path: '/v1/text_to_video' | '/v1/image_to_video';
  body: Record<string, unknown>;
}

const ratios = { '16:9': '1280:720', '9:16': '720:1280', '1:1': '960:960' } as const;

export function buildRunwayTaskRequest(req: GenerationRequest): BuiltRunwayTask {
  const model = req.model.model;
  const spec = runwayModels[model];
  if (!spec) throw invalidRequest(`Runway model ${model} is not supported by this client`);
  const image = nonEmptyString(req.imageUrl);
  if (!image && spec.needsImage) throw invalidRequest(`Runway ${model} needs an input image`);

  const prompt = nonEmptyString(req.prompt);
  if (!prompt && !(image && spec.promptOptionalWithImage)) throw invalidRequest(`Runway ${model} needs a prompt`);
  checkPrompt('Runway promptText', prompt, spec.maxPromptChars);

  const label = `Runway ${model}${image ? ' image-to-video' : ''}`;
  const allowed = forRequest(spec, image);
  const seed = req.model.options?.seed;

  return {
    path: image ? '/v1/image_to_video' : '/v1/text_to_video',
    body: definedOnly({
      model,
      promptText: prompt,
      promptImage: image,
      ratio: mapAspect(label, req.aspectRatio, allowed.aspectRatios, ratios),
      duration: checkDuration(label, req.durationSec, allowed.durationsSec),
      seed: spec.seed && Number.isInteger(seed) ? seed : undefined,
      negativePrompt: spec.negativePrompt ? nonEmptyString(req.negativePrompt) : undefined,
      audio: spec.audio ? false : undefined,
    }),
  };
}
