import { capabilitiesOf, type ModelCapabilities } from '../capabilities';
import { clipPrice, fact, type AspectValues, type Billing, type ModelFacts, type Source } from '../facts';

/**
 * Where the PiAPI facts come from; /work/shared/reference/piapi-api.md (§ numbers below) collects them. Pages without
 * a date of their own carry the day they were read.
 */
const src = {
  klingCreate: {
    cite: 'piapi.ai/docs/kling-api/create-task (OpenAPI export; piapi-api.md §6.1)',
    date: '2026-12-05',
    confidence: 'high',
  },
  kling26Page: {
    cite: 'piapi.ai/kling-2-6 (PiAPI product page: "Kling 2.6 Standard - 5s $0.20", "Pro - 5s $0.33"; its example sends enable_audio)',
    date: '2026-12-05',
    confidence: 'medium',
  },
  kling26Silent: {
    cite: 'docs.apimart.ai kling-v2-6 ("std - Standard mode (720P, silent video only)"); wavespeed.ai Kling 2.6 ("native audio on Pro")',
    date: '2026-12-05',
    confidence: 'medium',
  },
  klingCancel: {
    cite: 'piapi.ai/docs/kling-api/cancel-task: pending tasks only (piapi-api.md §5)',
    date: '2026-12-05',
    confidence: 'high',
  },
  lumaCreation: {
    cite: 'piapi.ai/docs/dream-machine/video-creation (example: model "ray-v2", start_image, end_image; piapi-api.md §6.2)',
    date: '2026-02-16',
    confidence: 'high',
  },
  lumaRatiosN8n: {
    cite: 'n8n-nodes-piapi (third-party): aspect_ratio 9:16, 3:4, 1:1, 4:3, 16:9, 21:9; PiAPI doc examples show 16:9 and 9:16',
    date: '2025-07-14',
    confidence: 'medium',
  },
  lumaKeyFrame5s: {
    cite: 'PiAPI MCP src/index.ts 0101e92: "If keyFrame is provided, only 5s is supported"',
    date: '2025-08-15',
    confidence: 'medium',
  },
  lumaUsage: {
    cite: 'piapi.ai/docs/dream-machine example: a ray-v2 5 s task froze 2,000,000 units ≈ $0.20 (inferred, piapi-api.md §9)',
    date: '2026-01-07',
    confidence: 'low',
  },
  lumaCancel: {
    cite: 'piapi.ai/docs/dream-machine/cancel-task: pending tasks only (piapi-api.md §5)',
    date: '2026-12-05',
    confidence: 'high',
  },
  hailuoDocs: {
    cite: 'piapi.ai/docs/hailuo-api/generate-video (t2v-01/i2v-01, 6 s, prompt ≤ 2000, $0.20 per generation; piapi-api.md §6.3, §9)',
    date: '2026-12-05',
    confidence: 'high',
  },
  hailuoPage: {
    cite: 'piapi.ai/hailuo (PiAPI product page: "Hailuo v2.3, v2.3-fast; Duration 6s and 10s; Resolution 768p and 1080p"); n8n-nodes-piapi sends duration 6|10 and resolution 768|1080 as integers for the 02 models',
    date: '2026-12-05',
    confidence: 'medium',
  },
  hailuoV23Prices: {
    cite: 'third-party "PiAPI Hailuo pricing table" (piapi-api.md §9); piapi.ai/hailuo "from $0.16 per generation" matches its v2.3-fast 6 s/768 row',
    date: '2026-12-05',
    confidence: 'low',
  },
  hailuoLandscape: {
    cite: 'piapi.ai/docs/hailuo-api/generate-video has no aspect_ratio: text-to-video renders landscape, image-to-video follows the image (third-party clients agree)',
    date: '2026-12-05',
    confidence: 'medium',
  },
  hunyuanQubico: {
    cite: "doc.qubico.ai Hunyuan (PiAPI's backend brand): prompt ≤ 1000, aspect_ratio 16:9/9:16/1:1, image (not image_url); PiAPI MCP (piapi-api.md §6.4)",
    date: '2026-12-05',
    confidence: 'medium',
  },
  hunyuanLength: {
    cite: "no PiAPI page states the length; the clips are HunyuanVideo's default ≈ 5 s (third-party, inferred)",
    date: '2026-12-05',
    confidence: 'low',
  },
  hunyuanPrice: {
    cite: 'two third-party repositories citing GoAPI docs: txt2video $0.09, img2video-concat $0.09 per video (piapi-api.md §9)',
    date: '2026-12-05',
    confidence: 'medium',
  },
  veoDocs: {
    cite: 'piapi.ai/docs/veo31-api/text-to-video (every example sends duration "8s"; aspect_ratio "16:9"; resolution; generate_audio; prices; piapi-api.md §6.5, §9)',
    date: '2026-12-05',
    confidence: 'high',
  },
  veoReported: {
    cite: 'third-party PiAPI clients send "4s" | "6s" | "8s" and 9:16 (piapi-api.md §6.5, §11); Google\'s Veo 3.1 renders 4, 6 and 8 s and 9:16',
    date: '2026-12-05',
    confidence: 'medium',
  },
  noCancelPage: {
    cite: 'PiAPI documents cancel for Kling, Luma, Midjourney and Suno only (piapi-api.md §5)',
    date: '2026-12-05',
    confidence: 'high',
  },
  refunds: {
    cite: 'PiAPI: credits are frozen at submission and refunded when a task fails (piapi-api.md §3.2, §9); moderation failures are failed tasks (§8)',
    date: '2026-12-05',
    confidence: 'medium',
  },
  hailuoSuccessOnly: {
    cite: 'piapi.ai/docs/hailuo-api/generate-video: "Charges are applied upon successful task completion only"',
    date: '2026-12-05',
    confidence: 'high',
  },
} as const satisfies Record<string, Source>;

const anyRatio: AspectValues = { '16:9': '16:9', '9:16': '9:16', '1:1': '1:1' };
const refunded = fact<Billing>({ failed: 'not billed', moderated: 'not billed' }, src.refunds);
const silentNothingSent = { sent: {}, output: 'silent' } as const;

const kling: ModelFacts = {
  durationsSec: fact([5, 10], src.klingCreate),
  aspectRatios: fact(anyRatio, src.klingCreate),
  maxPromptChars: fact(2500, src.klingCreate),
  audio: fact(
    { sent: { enable_audio: false }, output: 'silent' },
    src.kling26Silent,
    'std mode is silent only and audio is priced apart, so the request says so',
  ),
  imageToVideo: fact({ fields: ['image_url'] }, src.klingCreate),
  cancel: fact('while-queued', src.klingCancel),
  prices: [
    fact(
      clipPrice('2.6 std, no audio', 0.2, 5),
      src.kling26Page,
      'no 10 s price is published: 10 s assumed at the same rate',
    ),
    fact(clipPrice('2.6 pro, no audio', 0.33, 5), src.kling26Page),
  ],
  billing: refunded,
};

const luma: ModelFacts = {
  durationsSec: fact([5, 10], src.lumaCreation),
  imageDurationsSec: fact([5], src.lumaKeyFrame5s),
  aspectRatios: fact(anyRatio, src.lumaRatiosN8n),
  audio: fact(silentNothingSent, src.lumaCreation),
  imageToVideo: fact({ fields: ['start_image'] }, src.lumaCreation),
  cancel: fact('while-queued', src.lumaCancel),
  prices: [fact(clipPrice('ray-v2', 0.2, 5), src.lumaUsage, 'no published price; 10 s assumed at the same rate')],
  billing: refunded,
};

const hailuoV23: ModelFacts = {
  durationsSec: fact([6, 10], src.hailuoPage, 'at 768p: 1080p renders 6 s only'),
  aspectRatios: fact({ '16:9': null }, src.hailuoLandscape),
  imageAspectRatios: fact({ '16:9': null, '9:16': null, '1:1': null }, src.hailuoLandscape),
  maxPromptChars: fact(2000, src.hailuoDocs, 'stated for the 01 models; assumed for v2.3'),
  audio: fact(silentNothingSent, src.hailuoPage),
  imageToVideo: fact({ fields: ['image_url'] }, src.hailuoPage),
  cancel: fact('none', src.noCancelPage),
  prices: [
    fact(clipPrice('v2.3, 768p', 0.23, 6), src.hailuoV23Prices),
    fact(clipPrice('v2.3, 768p', 0.45, 10), src.hailuoV23Prices),
    fact(clipPrice('v2.3, 1080p', 0.4, 6), src.hailuoV23Prices),
  ],
  billing: fact({ failed: 'not billed', moderated: 'not billed' }, src.hailuoSuccessOnly),
};

/**
 * The only Hailuo request PiAPI's API reference documents, and so what an entry without `options.model` is sent: runs
 * recorded before v2.3 reserved its price. v2.3 is documented only on PiAPI's product page and in third-party clients;
 * the default catalogue asks for it with `options.model: "v2.3"`.
 */
const hailuo01: ModelFacts = {
  durationsSec: fact([6], src.hailuoDocs),
  aspectRatios: fact({ '16:9': null }, src.hailuoLandscape),
  imageAspectRatios: hailuoV23.imageAspectRatios,
  maxPromptChars: fact(2000, src.hailuoDocs),
  audio: fact(silentNothingSent, src.hailuoDocs),
  imageToVideo: fact({ fields: ['image_url'] }, src.hailuoDocs, 'input.model i2v-01 instead of t2v-01'),
  cancel: fact('none', src.noCancelPage),
  prices: [fact(clipPrice('01', 0.2, 6), src.hailuoDocs)],
  billing: fact({ failed: 'not billed', moderated: 'not billed' }, src.hailuoSuccessOnly),
};

const hunyuan: ModelFacts = {
  durationsSec: fact([5], src.hunyuanLength),
  aspectRatios: fact(anyRatio, src.hunyuanQubico),
  maxPromptChars: fact(1000, src.hunyuanQubico),
  audio: fact(silentNothingSent, src.hunyuanQubico),
  imageToVideo: fact({ fields: ['image'] }, src.hunyuanQubico, 'task_type img2video-concat instead of txt2video'),
  cancel: fact('none', src.noCancelPage),
  prices: [
    fact(clipPrice('txt2video', 0.09, 5), src.hunyuanPrice),
    fact(clipPrice('img2video-concat', 0.09, 5), src.hunyuanPrice),
  ],
  billing: refunded,
};

const veo31: ModelFacts = {
  durationsSec: fact([8], src.veoDocs),
  optInDurationsSec: fact([4, 6], src.veoReported),
  aspectRatios: fact({ '16:9': '16:9', '9:16': '9:16' }, src.veoReported, 'the docs show only "16:9" and "auto"'),
  audio: fact({ sent: { generate_audio: false }, output: 'silent' }, src.veoDocs),
  imageToVideo: fact({ fields: ['image_url'] }, src.veoDocs),
  cancel: fact('none', src.noCancelPage),
  prices: [
    fact({ variant: 'veo3.1-video, no audio', usdPerSecond: 0.12 }, src.veoDocs),
    fact(
      { variant: 'veo3.1-video-fast, no audio', usdPerSecond: 0.06, worstUsdPerSecond: 0.12 },
      src.veoDocs,
      'worst case: billed as veo3.1-video',
    ),
  ],
  billing: refunded,
};

/** The models this client builds requests for, each derived from its one statement of facts. */
export const piapiModels = {
  kling: capabilitiesOf(kling),
  luma: capabilitiesOf(luma),
  hailuo: capabilitiesOf(hailuo01, { option: 'model', models: { 'v2.3': capabilitiesOf(hailuoV23) } }),
  'Qubico/hunyuan': capabilitiesOf(hunyuan),
  'veo3.1': capabilitiesOf(veo31),
} as const satisfies Record<string, ModelCapabilities>;

export type PiapiModel = keyof typeof piapiModels;

export function isPiapiModel(model: string): model is PiapiModel {
  return Object.hasOwn(piapiModels, model);
}
