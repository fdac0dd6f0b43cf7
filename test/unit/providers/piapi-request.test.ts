import { describe, expect, it } from 'vitest';
import { thrown } from '../../providers/thrown';
import { acceptedDurations } from './accepted-durations';
import { buildPiapiTaskRequest, type PiapiTaskRequest } from '../../../src/providers/piapi';
import type { GenerationRequest, ProviderModelSettings } from '../../../src/providers/types';
import { fox, generationRequest, image } from '../../helpers/generation-request';
import { fixture } from '../../providers/stub-server';

const request = (model: Omit<ProviderModelSettings, 'route'>, overrides?: Partial<GenerationRequest>) =>
  generationRequest('piapi', model, overrides);

describe('buildPiapiTaskRequest: exact bodies', () => {
  it.each<[string, GenerationRequest, PiapiTaskRequest]>([
    [
      'kling text-to-video with defaults',
      request({ model: 'kling', taskType: 'video_generation' }, { durationSec: 5 }),
      {
        model: 'kling',
        task_type: 'video_generation',
        input: {
          prompt: fox,
          negative_prompt: 'blurry',
          duration: 5,
          aspect_ratio: '16:9',
          mode: 'std',
          version: '2.6',
          enable_audio: false,
        },
      },
    ],
    [
      'kling image-to-video with catalogue mode/version',
      request(
        { model: 'kling', options: { mode: 'pro', version: '2.1' } },
        { durationSec: 10, aspectRatio: '1:1', imageUrl: image, negativePrompt: undefined },
      ),
      {
        model: 'kling',
        task_type: 'video_generation',
        input: {
          prompt: fox,
          duration: 10,
          aspect_ratio: '1:1',
          mode: 'pro',
          version: '2.1',
          enable_audio: false,
          image_url: image,
        },
      },
    ],
    [
      'luma text-to-video',
      request({ model: 'luma' }, { durationSec: 5, aspectRatio: '9:16' }),
      {
        model: 'luma',
        task_type: 'video_generation',
        input: { model: 'ray-v2', prompt: fox, duration: 5, aspect_ratio: '9:16' },
      },
    ],
    [
      'luma text-to-video, long',
      request({ model: 'luma' }, { durationSec: 10 }),
      {
        model: 'luma',
        task_type: 'video_generation',
        input: { model: 'ray-v2', prompt: fox, duration: 10, aspect_ratio: '16:9' },
      },
    ],
    [
      'luma start image (5 s only), as the 2026 docs send it',
      request({ model: 'luma' }, { durationSec: 5, imageUrl: image }),
      {
        model: 'luma',
        task_type: 'video_generation',
        input: { model: 'ray-v2', prompt: fox, duration: 5, aspect_ratio: '16:9', start_image: image },
      },
    ],
    [
      'hailuo v2.3 text-to-video at 768p',
      request({ model: 'hailuo', options: { model: 'v2.3' } }, { durationSec: 6 }),
      {
        model: 'hailuo',
        task_type: 'video_generation',
        input: { prompt: fox, model: 'v2.3', duration: 6, resolution: 768, expand_prompt: false },
      },
    ],
    [
      'hailuo v2.3 image-to-video, 10 s (any aspect: it follows the image)',
      request(
        { model: 'hailuo', options: { model: 'v2.3' } },
        { durationSec: 10, aspectRatio: '9:16', imageUrl: image },
      ),
      {
        model: 'hailuo',
        task_type: 'video_generation',
        input: { prompt: fox, model: 'v2.3', duration: 10, resolution: 768, image_url: image, expand_prompt: false },
      },
    ],
    [
      'hailuo 01 text-to-video, the documented request (no options.model, as runs recorded before v2.3)',
      request({ model: 'hailuo' }, { durationSec: 6 }),
      {
        model: 'hailuo',
        task_type: 'video_generation',
        input: { prompt: fox, model: 't2v-01', expand_prompt: false },
      },
    ],
    [
      'hailuo 01 image-to-video',
      request({ model: 'hailuo' }, { durationSec: 6, aspectRatio: '1:1', imageUrl: image }),
      {
        model: 'hailuo',
        task_type: 'video_generation',
        input: { prompt: fox, model: 'i2v-01', image_url: image, expand_prompt: false },
      },
    ],
    [
      'hunyuan text-to-video',
      request({ model: 'Qubico/hunyuan' }, { durationSec: 5, aspectRatio: '9:16' }),
      {
        model: 'Qubico/hunyuan',
        task_type: 'txt2video',
        input: { prompt: fox, negative_prompt: 'blurry', aspect_ratio: '9:16' },
      },
    ],
    [
      'hunyuan image-to-video uses `image`, not `image_url`',
      request({ model: 'Qubico/hunyuan' }, { durationSec: 5, imageUrl: image }),
      {
        model: 'Qubico/hunyuan',
        task_type: 'img2video-concat',
        input: { prompt: fox, negative_prompt: 'blurry', aspect_ratio: '16:9', image },
      },
    ],
    [
      'veo3.1 image-to-video at the documented 8 s',
      request({ model: 'veo3.1', taskType: 'veo3.1-video' }, { durationSec: 8, aspectRatio: '9:16', imageUrl: image }),
      {
        model: 'veo3.1',
        task_type: 'veo3.1-video',
        input: {
          prompt: fox,
          negative_prompt: 'blurry',
          aspect_ratio: '9:16',
          duration: '8s',
          resolution: '720p',
          generate_audio: false,
          image_url: image,
        },
      },
    ],
    [
      'veo3.1 without a task type (veo3.1-video), at an opt-in duration a catalogue listed, sends it as it did',
      request({ model: 'veo3.1' }, { durationSec: 6, negativePrompt: '' }),
      {
        model: 'veo3.1',
        task_type: 'veo3.1-video',
        input: { prompt: fox, aspect_ratio: '16:9', duration: '6s', resolution: '720p', generate_audio: false },
      },
    ],
  ])('%s', (_name, req, expected) => {
    expect(buildPiapiTaskRequest(req)).toStrictEqual(expected);
  });
});

describe('buildPiapiTaskRequest: documented examples', () => {
  it('reproduces the veo3.1 create-task example body (config is added by the client)', () => {
    const example = fixture('piapi/request-veo3.1.json').body as PiapiTaskRequest;
    const input = example.input as { prompt: string; negative_prompt: string };
    const built = buildPiapiTaskRequest({
      prompt: input.prompt,
      negativePrompt: input.negative_prompt,
      durationSec: 8,
      aspectRatio: '16:9',
      model: { route: 'piapi', model: 'veo3.1', taskType: 'veo3.1-video-fast' },
    });
    const { config: _config, ...withoutConfig } = example;
    expect(built).toStrictEqual(withoutConfig);
  });

  it('reproduces the Kling 3.0 example input (enable_audio: false included) except the multi-shot flag', () => {
    const example = fixture('piapi/request-kling-3.0.json').body as PiapiTaskRequest;
    const built = buildPiapiTaskRequest({
      prompt: example.input.prompt as string,
      durationSec: 5,
      aspectRatio: '16:9',
      model: { route: 'piapi', model: 'kling', taskType: 'video_generation', options: { mode: 'std', version: '3.0' } },
    });
    const { prefer_multi_shots: _shots, ...input } = example.input;
    expect(built).toStrictEqual({ model: example.model, task_type: example.task_type, input });
  });
});

describe('buildPiapiTaskRequest: the decided duration, sent as is or refused', () => {
  const offered = [1, 4, 5, 6, 8, 10, 12];
  it.each<[string, Omit<ProviderModelSettings, 'route'>, string | undefined, number[]]>([
    ['kling', { model: 'kling' }, undefined, [5, 10]],
    ['luma', { model: 'luma' }, undefined, [5, 10]],
    ['luma key frame', { model: 'luma' }, image, [5]],
    ['hailuo v2.3', { model: 'hailuo', options: { model: 'v2.3' } }, undefined, [6, 10]],
    ['hailuo 01', { model: 'hailuo' }, undefined, [6]],
    ['hunyuan', { model: 'Qubico/hunyuan' }, undefined, [5]],
    [
      'veo3.1 (8 s documented, 4 and 6 s opt-in)',
      { model: 'veo3.1', taskType: 'veo3.1-video-fast' },
      undefined,
      [4, 6, 8],
    ],
  ])('%s renders exactly %j of them', (_name, model, imageUrl, accepted) => {
    const build = (durationSec: number) => buildPiapiTaskRequest(request(model, { durationSec, imageUrl }));
    expect(acceptedDurations(offered, build)).toEqual(accepted);
  });

  it('names the model and its durations when it refuses', () => {
    expect(thrown(() => buildPiapiTaskRequest(request({ model: 'kling' }, { durationSec: 7 })))).toMatchObject({
      message: 'kling cannot render 7 s (allowed: 5, 10 s)',
    });
    expect(
      thrown(() => buildPiapiTaskRequest(request({ model: 'luma' }, { durationSec: 10, imageUrl: image }))),
    ).toMatchObject({ message: 'luma cannot render 10 s (allowed: 5 s)' });
  });
});

describe('buildPiapiTaskRequest: refusals before sending', () => {
  it.each<[string, GenerationRequest, string]>([
    [
      'veo3.1 cannot do 1:1',
      request({ model: 'veo3.1' }, { aspectRatio: '1:1' }),
      'veo3.1 cannot render aspect ratio 1:1',
    ],
    [
      'hailuo text-to-video is landscape only',
      request({ model: 'hailuo', options: { model: 'v2.3' } }, { durationSec: 6, aspectRatio: '9:16' }),
      'hailuo v2.3 cannot render aspect ratio 9:16',
    ],
    [
      'hailuo 01 renders 6 s only',
      request({ model: 'hailuo' }, { durationSec: 10 }),
      'hailuo t2v-01 cannot render 10 s (allowed: 6 s)',
    ],
    [
      'hailuo with an unknown model option',
      request({ model: 'hailuo', options: { model: '02' } }, { durationSec: 6 }),
      'PiAPI hailuo has no model "02" (leave options.model out, or set one of v2.3)',
    ],
    [
      'veo3.1 with a foreign task type',
      request({ model: 'veo3.1', taskType: 'veo3-video' }),
      'veo3.1 task_type must be one of veo3.1-video, veo3.1-video-fast, got veo3-video',
    ],
    ['an unknown model', request({ model: 'kling-turbo' }), 'PiAPI model kling-turbo is not supported by this client'],
    ['a zero duration', request({ model: 'kling' }, { durationSec: 0 }), 'duration must be a positive number'],
    [
      "a prompt over the model's limit",
      request({ model: 'Qubico/hunyuan' }, { durationSec: 5, prompt: 'x'.repeat(1001) }),
      'hunyuan prompt is 1001 characters; the limit is 1000',
    ],
  ])('%s', (_name, req, message) => {
    const err = thrown(() => buildPiapiTaskRequest(req));
    expect(err).toMatchObject({ name: 'ProviderError', kind: 'validation', requestSent: false, retryable: false });
    expect((err as Error).message).toContain(message);
  });
});
