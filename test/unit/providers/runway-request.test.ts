import { describe, expect, it } from 'vitest';
import { thrown } from '../../providers/thrown';
import { acceptedDurations } from './accepted-durations';
import { buildRunwayTaskRequest, type BuiltRunwayTask } from '../../../src/providers/runway';
import type { GenerationRequest, ProviderModelSettings } from '../../../src/providers/types';
import { fox, generationRequest, image } from '../../helpers/generation-request';
import { fixture } from '../../providers/stub-server';

const request = (model: Omit<ProviderModelSettings, 'route'>, overrides?: Partial<GenerationRequest>) =>
  generationRequest('runway', model, overrides);

describe('buildRunwayTaskRequest: exact bodies', () => {
  it.each<[string, GenerationRequest, BuiltRunwayTask]>([
    [
      'gen4.5 text-to-video with a catalogue seed',
      request({ model: 'gen4.5', options: { seed: 42 } }),
      {
        path: '/v1/text_to_video',
        body: { model: 'gen4.5', promptText: fox, ratio: '1280:720', duration: 8, seed: 42 },
      },
    ],
    [
      'gen4.5 image-to-video, square',
      request({ model: 'gen4.5' }, { aspectRatio: '1:1', imageUrl: image, durationSec: 7 }),
      {
        path: '/v1/image_to_video',
        body: { model: 'gen4.5', promptText: fox, promptImage: image, ratio: '960:960', duration: 7 },
      },
    ],
    [
      'gen4_turbo image-to-video, portrait, prompt-less',
      request(
        { model: 'gen4_turbo', options: { seed: 7 } },
        { prompt: '', aspectRatio: '9:16', imageUrl: image, durationSec: 5 },
      ),
      {
        path: '/v1/image_to_video',
        body: { model: 'gen4_turbo', promptImage: image, ratio: '720:1280', duration: 5, seed: 7 },
      },
    ],
    [
      'veo3.1 text-to-video: negativePrompt and audio:false, never a seed',
      request({ model: 'veo3.1', options: { seed: 42 } }, { aspectRatio: '9:16', durationSec: 6 }),
      {
        path: '/v1/text_to_video',
        body: {
          model: 'veo3.1',
          promptText: fox,
          ratio: '720:1280',
          duration: 6,
          negativePrompt: 'blurry',
          audio: false,
        },
      },
    ],
    [
      'veo3.1_fast image-to-video',
      request({ model: 'veo3.1_fast' }, { imageUrl: image, durationSec: 4, negativePrompt: undefined }),
      {
        path: '/v1/image_to_video',
        body: {
          model: 'veo3.1_fast',
          promptText: fox,
          promptImage: image,
          ratio: '1280:720',
          duration: 4,
          audio: false,
        },
      },
    ],
    [
      'veo3 renders 8 s and has no audio flag',
      request({ model: 'veo3' }),
      {
        path: '/v1/text_to_video',
        body: { model: 'veo3', promptText: fox, ratio: '1280:720', duration: 8, negativePrompt: 'blurry' },
      },
    ],
  ])('%s', (_name, req, expected) => {
    expect(buildRunwayTaskRequest(req)).toStrictEqual(expected);
  });

  it('reproduces the SDK README image-to-video example, plus the duration it always sends', () => {
    const example = fixture('runway/request-gen4_turbo-readme.json').body as Record<string, string>;
    const built = buildRunwayTaskRequest({
      prompt: example.promptText ?? '',
      durationSec: 5,
      aspectRatio: '16:9',
      imageUrl: example.promptImage,
      model: { route: 'runway', model: 'gen4_turbo' },
    });
    expect(built).toStrictEqual({ path: '/v1/image_to_video', body: { ...example, duration: 5 } });
  });
});

describe('buildRunwayTaskRequest: the decided duration, sent as is or refused', () => {
  const offered = [1, 2, 3, 4, 5, 6, 7, 7.5, 8, 9, 10, 12];
  it.each<[string, number[]]>([
    ['gen4.5', [2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ['gen4_turbo', [5, 10]],
    ['veo3.1', [4, 6, 8]],
    ['veo3.1_fast', [4, 6, 8]],
    ['veo3', [8]],
  ])('%s renders exactly %j of them', (model, accepted) => {
    const build = (durationSec: number) => {
      expect(buildRunwayTaskRequest(request({ model }, { durationSec, imageUrl: image })).body.duration).toBe(
        durationSec,
      );
    };
    expect(acceptedDurations(offered, build)).toEqual(accepted);
  });

  it('names the model and its durations when it refuses', () => {
    expect(thrown(() => buildRunwayTaskRequest(request({ model: 'veo3' }, { durationSec: 5 })))).toMatchObject({
      message: 'Runway veo3 cannot render 5 s (allowed: 8 s)',
    });
  });
});

describe('buildRunwayTaskRequest: refusals before sending', () => {
  it.each<[string, GenerationRequest, string]>([
    ['gen4_turbo without an image', request({ model: 'gen4_turbo' }), 'Runway gen4_turbo needs an input image'],
    [
      'square text-to-video',
      request({ model: 'gen4.5' }, { aspectRatio: '1:1' }),
      'Runway gen4.5 cannot render aspect ratio 1:1 (supported: 16:9, 9:16)',
    ],
    [
      'square veo even with an image',
      request({ model: 'veo3.1' }, { aspectRatio: '1:1', imageUrl: image }),
      'Runway veo3.1 image-to-video cannot render aspect ratio 1:1',
    ],
    ['text-to-video without a prompt', request({ model: 'veo3' }, { prompt: '  ' }), 'Runway veo3 needs a prompt'],
    [
      'gen4.5 image-to-video without a prompt',
      request({ model: 'gen4.5' }, { prompt: '', imageUrl: image }),
      'needs a prompt',
    ],
    [
      'a prompt over 1000 UTF-16 units',
      request({ model: 'gen4.5' }, { prompt: '😀'.repeat(501) }),
      'promptText is 1002 characters; the limit is 1000',
    ],
    [
      'a retired model',
      request({ model: 'gen3a_turbo' }, { imageUrl: image }),
      'Runway model gen3a_turbo is not supported',
    ],
  ])('%s', (_name, req, message) => {
    const err = thrown(() => buildRunwayTaskRequest(req));
    expect(err).toMatchObject({ name: 'ProviderError', kind: 'validation', requestSent: false });
    expect((err as Error).message).toContain(message);
  });

  it('accepts a prompt of exactly 1000 units', () => {
    expect(
      buildRunwayTaskRequest(request({ model: 'gen4.5' }, { prompt: 'x'.repeat(1000) })).body.promptText,
    ).toHaveLength(1000);
  });
});
