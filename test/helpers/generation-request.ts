import type { GenerationRequest, ProviderModelSettings } from '../../src/providers/types';

export const fox = 'A red fox runs through fresh snow';
export const image = 'https://cdn.example.com/frames/fox.png';

/** A request for `model` on `route`: the fox prompt with a negative prompt, 8 s in 16:9, unless `overrides` say else. */
export function generationRequest(
  route: ProviderModelSettings['route'],
  model: Omit<ProviderModelSettings, 'route'>,
  overrides: Partial<GenerationRequest> = {},
): GenerationRequest {
  return {
    prompt: fox,
    negativePrompt: 'blurry',
    durationSec: 8,
    aspectRatio: '16:9',
    ...overrides,
    model: { route, ...model },
  };
}
