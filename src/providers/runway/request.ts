import { aspectValue, forRequest, sendableDurations } from '../capabilities';
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
import { runwayModels } from './models';

export interface BuiltRunwayTask {
  path: '/v1/text_to_video' | '/v1/image_to_video';
  body: Record<string, unknown>;
}

/** Runway takes no task type; `options.seed` is sent to the models that take a seed, in the SDK's range. */
export const runwaySettings: Readonly<Record<string, RequestSettings>> = Object.fromEntries(
  Object.entries(runwayModels).map(([model, spec]): [string, RequestSettings] => [
    model,
    { options: spec.seed ? { seed: { min: 0, max: 4_294_967_295 } } : {} },
  ]),
);

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
  checkAspect(label, req.aspectRatio, forRequest(spec, image).aspectRatios);
  const seed = req.model.options?.seed;

  return {
    path: image ? '/v1/image_to_video' : '/v1/text_to_video',
    body: definedOnly({
      model,
      promptText: prompt,
      promptImage: image,
      ratio: aspectValue(spec, req.aspectRatio, image),
      duration: checkDuration(label, req.durationSec, sendableDurations(spec, image)),
      seed: spec.seed && Number.isInteger(seed) ? seed : undefined,
      negativePrompt: spec.negativePrompt ? nonEmptyString(req.negativePrompt) : undefined,
      ...spec.facts.audio.value.sent,
    }),
  };
}

/** The price list entry (`Price.variant` in the model's facts) for the request these settings send. */
export function runwayPriceVariant(settings: ProviderModelSettings): string {
  const sent = runwayModels[settings.model]?.facts.audio.value.sent;
  return sent && 'audio' in sent ? `${settings.model}, ${sent.audio ? 'audio' : 'no audio'}` : settings.model;
}
