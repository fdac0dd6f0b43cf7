import { z } from 'zod';
import type { Aspect } from '../core/task-store';
import { nearestAspect } from '../video/clip-library';

/** The served file, as a model's completed `output` describes it. */
export interface OutputVideo {
  url: string;
  width: number;
  height: number;
  durationSec: number;
  /** ISO 8601, for outputs that echo it (Luma). */
  createdAt: string;
}

type Input = Record<string, unknown>;

/** What the emulator knows about one PiAPI `model`: its accepted input, video and `output` shapes. */
export interface PiapiModel {
  taskTypes: readonly string[];
  input(taskType: string): z.ZodType<Input>;
  media(input: Input): { aspect: Aspect; durationSec: number };
  /** `output` from creation until completion; `progress` is 0..1. */
  pendingOutput(input: Input, progress: number): unknown;
  completedOutput(input: Input, video: OutputVideo): unknown;
  /** Some models' doc examples show `logs: null`, others `[]`. */
  nullLogs: boolean;
}

const str = z.string();
const aspectOf = (input: Input, fallback: Aspect = '16:9') =>
  typeof input.aspect_ratio === 'string' && input.aspect_ratio !== 'auto'
    ? nearestAspect(input.aspect_ratio)
    : fallback;

const klingInput = z
  .looseObject({
    prompt: str.max(2500).optional(),
    negative_prompt: str.max(2500).optional(),
    cfg_scale: z.union([z.number().min(0).max(1), str]).optional(),
    duration: z.number().int().optional(),
    aspect_ratio: z.enum(['16:9', '9:16', '1:1']).optional(),
    mode: z.enum(['std', 'pro']).optional(),
    version: z.enum(['1.0', '1.5', '1.6', '2.0', '2.1', '2.1-master', '2.5', '2.6', '3.0']).optional(),
    image_url: str.optional(),
    image_tail_url: str.optional(),
    enable_audio: z.boolean().optional(),
  })
  .refine((i) => i.prompt || i.image_url, { message: 'prompt or image_url is required', path: ['prompt'] })
  .refine((i) => !i.image_tail_url || i.image_url, {
    message: 'image_tail_url needs image_url',
    path: ['image_tail_url'],
  })
  .refine(
    (i) =>
      i.duration === undefined ||
      (i.version === '3.0' ? i.duration >= 3 && i.duration <= 15 : [5, 10].includes(i.duration)),
    { message: 'duration must be 5 or 10 (3 to 15 for version 3.0)', path: ['duration'] },
  )
  // Kling 2.6 renders sound in pro mode only (std is "silent video only", third-party API docs).
  .refine((i) => !(i.version === '2.6' && i.mode !== 'pro' && i.enable_audio), {
    message: 'enable_audio needs mode "pro" for version 2.6',
    path: ['enable_audio'],
  });

const kling: PiapiModel = {
  taskTypes: ['video_generation'],
  input: () => klingInput,
  media: (input) => ({ aspect: aspectOf(input), durationSec: Number(input.duration ?? 5) }),
  // Kling 3.0 answers with a different output struct (only `video`).
  pendingOutput: (input) => (input.version === '3.0' ? { video: '' } : { video_url: '' }),
  completedOutput: (input, v) => {
    if (input.version === '3.0') return { video: v.url };
    const type = input.image_url ? 'm2v_img2video_hq' : 'm2v_txt2video_hq';
    const cover = { resource: '', resource_without_watermark: '', height: v.height, width: v.width, duration: 0 };
    const video = {
      resource: v.url,
      resource_without_watermark: v.url,
      height: v.height,
      width: v.width,
      duration: v.durationSec * 1000,
    };
    return { type, status: 99, works: [{ status: 99, type, cover, video }], video_url: v.url };
  },
  nullLogs: false,
};

const lumaInput = z.looseObject({
  prompt: str.min(1),
  expand_prompt: z.boolean().optional(),
  loop: z.boolean().optional(),
  key_frames: z.looseObject({}).optional(),
  model_name: z.enum(['ray-v1', 'ray-v2']).optional(),
  model: z.literal('ray-v2').optional(),
  duration: z.union([z.literal(5), z.literal(10)]).optional(),
  aspect_ratio: z.enum(['9:16', '3:4', '1:1', '4:3', '16:9', '21:9']).optional(),
  start_image: str.optional(),
  end_image: str.optional(),
});

const luma: PiapiModel = {
  taskTypes: ['video_generation'],
  input: () => lumaInput,
  media: (input) => ({ aspect: aspectOf(input), durationSec: Number(input.duration ?? 5) }),
  pendingOutput: () => ({
    prompt: '',
    internal_state: '',
    created_at: '',
    video: null,
    video_raw: null,
    thumbnail: null,
    last_frame: null,
  }),
  completedOutput: (input, v) => {
    const file = { url: v.url, width: v.width, height: v.height };
    return {
      prompt: input.prompt,
      internal_state: 'completed',
      created_at: v.createdAt,
      video: file,
      video_raw: file,
      thumbnail: null,
      last_frame: null,
    };
  },
  nullLogs: true,
};

const hailuoModels = ['t2v-01', 't2v-01-director', 'i2v-01', 'i2v-01-live', 'i2v-01-director', 's2v-01'] as const;
const hailuoV2Models = ['t2v-02', 'i2v-02', 'v2.3', 'v2.3-fast'] as const;
const hailuoSkeleton = {
  video_url: '',
  download_url: '',
  cover_url: '',
  percent: 0,
  status: 0,
  width: 0,
  height: 0,
  model_id: 0,
  message: '',
  desc: '',
  prompt_img_url: '',
  user_origin_prompt: false,
};

const hailuoInput = z
  .looseObject({
    model: z.enum([...hailuoModels, ...hailuoV2Models]),
    prompt: str.max(2000).optional(),
    image_url: str.optional(),
    expand_prompt: z.boolean().optional(),
    duration: z.union([z.literal(6), z.literal(10)]).optional(),
    resolution: z.union([z.literal(768), z.literal(1080)]).optional(),
  })
  .superRefine((i, ctx) => {
    const issue = (message: string, field: string) => ctx.addIssue({ code: 'custom', message, path: [field] });
    const textOnly = i.model.startsWith('t2v');
    if (textOnly && !i.prompt) issue(`${i.model} needs a prompt`, 'prompt');
    if (textOnly && i.image_url) issue(`image_url should not be provided for ${i.model}`, 'image_url');
    if ((i.model.startsWith('i2v') || i.model === 's2v-01') && !i.image_url)
      issue(`${i.model} needs image_url`, 'image_url');
    if (i.model === 's2v-01' && !i.prompt) issue('s2v-01 needs a prompt', 'prompt');
    const v2 = (hailuoV2Models as readonly string[]).includes(i.model);
    if (!v2 && (i.duration !== undefined || i.resolution !== undefined))
      issue(`${i.model} takes no duration or resolution`, 'duration');
    if (i.duration === 10 && i.resolution === 1080) issue('1080p is not available for 10 s', 'resolution');
  });

const hailuo: PiapiModel = {
  taskTypes: ['video_generation'],
  input: () => hailuoInput,
  media: (input) => ({ aspect: '16:9', durationSec: Number(input.duration ?? 6) }),
  pendingOutput: (_input, progress) => ({ ...hailuoSkeleton, percent: Math.floor(progress * 100) }),
  completedOutput: (input, v) => ({
    ...hailuoSkeleton,
    video_url: v.url,
    download_url: v.url,
    percent: 100,
    width: v.width,
    height: v.height,
    prompt_img_url: typeof input.image_url === 'string' ? input.image_url : '',
  }),
  nullLogs: true,
};

const hunyuanInput = z.looseObject({
  prompt: str.min(1).max(1000),
  negative_prompt: str.optional(),
  aspect_ratio: z.enum(['16:9', '9:16', '1:1', '4:3']).optional(),
  image: str.optional(),
  lora_settings: z.array(z.looseObject({ lora_type: str, lora_strength: z.number().optional() })).optional(),
});

const hunyuan: PiapiModel = {
  taskTypes: ['txt2video', 'fast-txt2video', 'img2video-concat', 'img2video-replace', 'txt2video-lora'],
  input: (taskType) => (taskType.startsWith('img2video') ? hunyuanInput.extend({ image: str.min(1) }) : hunyuanInput),
  media: (input) => ({ aspect: aspectOf(input), durationSec: 5 }),
  pendingOutput: () => null,
  completedOutput: (_input, v) => ({ video_url: v.url }),
  nullLogs: false,
};

const veo31Input = z.looseObject({
  prompt: str.min(1),
  negative_prompt: str.optional(),
  image_url: str.optional(),
  aspect_ratio: z.enum(['16:9', '9:16', 'auto']).optional(),
  // Every PiAPI example sends "8s"; 4s and 6s are only reported by third parties, so the emulator refuses them.
  duration: z.literal('8s').optional(),
  resolution: z.enum(['720p', '1080p']).optional(),
  generate_audio: z.boolean().optional(),
});

const veo31: PiapiModel = {
  taskTypes: ['veo3.1-video', 'veo3.1-video-fast'],
  input: () => veo31Input,
  media: (input) => ({ aspect: aspectOf(input), durationSec: parseInt(String(input.duration ?? '8s'), 10) }),
  pendingOutput: () => null,
  completedOutput: (_input, v) => ({ video: v.url }),
  nullLogs: false,
};

export const piapiModels: Record<string, PiapiModel> = {
  kling,
  luma,
  hailuo,
  'Qubico/hunyuan': hunyuan,
  'veo3.1': veo31,
};
