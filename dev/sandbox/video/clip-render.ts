import { execFile } from 'node:child_process';
import { rename } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Api, Aspect } from '../core/task-store';

/**
 * What the sandbox's generated videos look like. A real provider receives only the prompt and the parameters, so a
 * sandbox clip says what those determine and nothing it could not know: who rendered it (provider, API and model, on
 * that provider's own background colour), its aspect ratio and duration, and a running timecode with a progress bar,
 * so a contact sheet shows at a glance which provider rendered what and that the clip plays. The scene is not drawn: a
 * provider is never told it, and clips are rendered once and shared by every task of the same shape (the contact sheet
 * shows each scene's prompt beside its clip). "<API> sandbox" in the corner keeps anyone from taking it for a real
 * render.
 */

/** The sandbox's providers, named by the catalogue's keys; each is one model of one API, drawn in its own colour. */
export const clipFamilies = {
  runway: { provider: 'Runway', api: 'runway', model: 'gen4.5', colour: '0x5b21b6' },
  kling: { provider: 'Kling', api: 'piapi', model: 'kling', colour: '0x1d4ed8' },
  luma: { provider: 'Luma', api: 'piapi', model: 'luma', colour: '0x0f766e' },
  hailuo: { provider: 'Hailuo', api: 'piapi', model: 'hailuo', colour: '0xb45309' },
  hunyuan: { provider: 'Hunyuan', api: 'piapi', model: 'Qubico/hunyuan', colour: '0xbe123c' },
  veo: { provider: 'Veo 3.1', api: 'piapi', model: 'veo3.1', colour: '0x15803d' },
} as const satisfies Record<string, { provider: string; api: Api; model: string; colour: string }>;

export type ClipFamily = keyof typeof clipFamilies;

/** Large enough for legible text at ~360 px wide in a page, small enough that the committed set stays tiny. */
export const clipSizes: Record<Aspect, { width: number; height: number }> = {
  '16:9': { width: 320, height: 180 },
  '9:16': { width: 180, height: 320 },
  '1:1': { width: 240, height: 240 },
};

/** The one font the clips are drawn with, pinned so renders are byte-identical (Debian's fonts-dejavu-core). */
export const clipFont = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
/** Frames per second: enough for a timecode in tenths, few enough that a flat-colour clip stays a few KB. */
const fps = 5;
const apiLabels: Record<Api, string> = { runway: 'Runway', piapi: 'PiAPI' };

export interface ClipLook {
  family: ClipFamily;
  /** The model the task asked for: the family's own, or another of its API's (drawn in the family's colour). */
  model: string;
  aspect: Aspect;
  seconds: number;
}

/**
 * Renders one clip with ffmpeg into `out` (through a temporary file, so a concurrent reader never sees half a clip).
 * The flags make the output byte-identical between runs with the same ffmpeg and font. Rejects when ffmpeg or the font
 * is missing.
 */
export async function renderClip(out: string, look: ClipLook): Promise<void> {
  const partial = `${out}.tmp.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await promisify(execFile)('ffmpeg', [...clipFfmpegArgs(look), partial]);
  await rename(partial, out);
}

/** Everything but the output path: also what names a clip rendered on demand, so a change of look re-renders it. */
export function clipFfmpegArgs(look: ClipLook): string[] {
  const { family, model, aspect, seconds } = look;
  const { provider, api, colour } = clipFamilies[family];
  const { width, height } = clipSizes[aspect];
  const frames = Math.round(seconds * fps);
  const unit = Math.min(width, height);
  const bar = Math.round(unit * 0.04);
  // DejaVu Sans Bold averages under 0.7 em per character: a line never gets wider than 90 % of the frame.
  const fit = (text: string, size: number) =>
    Math.min(Math.round(size * unit), Math.floor((width * 0.9) / (0.7 * text.length)));
  const timecode = `'%{eif\\:trunc(n/${fps})\\:d}.%{eif\\:mod(n\\,${fps})*${10 / fps}\\:d} / ${seconds}.0 s'`;
  const lines = [
    { text: literal(provider), size: fit(provider, 0.24) },
    { text: literal(model), size: fit(model, 0.12) },
    { text: literal(`${aspect} · ${seconds} s`), size: fit(`${aspect} · ${seconds} s`, 0.15) },
    { text: timecode, size: fit(`${seconds}.0 / ${seconds}.0 s`, 0.11) },
  ];
  const gap = Math.round(unit * 0.05);
  const block = lines.reduce((sum, l) => sum + l.size, 0) + gap * (lines.length - 1);
  const tagSize = Math.round(unit * 0.07);
  // Centred in the frame, but never under the corner tag.
  let y = Math.max(Math.round((height - bar - block) / 2), bar + tagSize + gap);
  const drawn = lines.map(({ text, size }) => {
    const filter = `drawtext=fontfile=${clipFont}:text=${text}:fontsize=${size}:fontcolor=white:x=(w-tw)/2:y=${y}`;
    y += size + gap;
    return filter;
  });
  const tag = `drawtext=fontfile=${clipFont}:text='${apiLabels[api]} sandbox':fontsize=${tagSize}:fontcolor=white@0.7:x=${bar}:y=${bar}`;
  const graph = [
    `color=c=${colour}:size=${width}x${height}:rate=${fps}:duration=${seconds}[bg]`,
    `color=c=white:size=${width}x${bar}:rate=${fps}[bar]`,
    // The bar slides in from the left and fills the bottom edge at the last frame.
    `[bg][bar]overlay=x=-W+W*(n+1)/${frames}:y=H-${bar}:shortest=1,${tag},${drawn.join(',')}`,
  ].join(';');
  return [
    ...['-v', 'error', '-y', '-filter_complex', graph, '-frames:v', `${frames}`],
    // One keyframe per clip and a high CRF: flat colour and a few changing glyphs cost almost nothing.
    ...`-c:v libx264 -preset veryslow -crf 30 -pix_fmt yuv420p -g ${frames} -an`.split(' '),
    // One encoder thread, no metadata, no version strings: the same bytes on every run.
    ...'-threads 1 -map_metadata -1 -fflags +bitexact -flags:v +bitexact -movflags +faststart -f mp4'.split(' '),
  ];
}

/** Text drawn as it is (model names are the sandbox's own, none with a quote or backslash). */
function literal(text: string): string {
  return `'${text.replaceAll(':', '\\:')}':expansion=none`;
}
