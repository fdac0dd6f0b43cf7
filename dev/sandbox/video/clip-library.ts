import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Api, Aspect } from '../core/task-store';
import { type ClipFamily, type ClipLook, clipFamilies, clipFfmpegArgs, clipSizes, renderClip } from './clip-render';

export { clipSizes } from './clip-render';

/** The durations `scripts/make-sandbox-clips.ts` commits for every family and aspect. */
export const committedSeconds = [4, 5, 6, 8, 10];
export const committedAspects = Object.keys(clipSizes) as Aspect[];
export const committedClipsDir = path.resolve(__dirname, '..', '..', '..', 'assets', 'sandbox', 'clips');

/** Where the committed clip of a family's own model is. */
export function committedClipPath(family: ClipFamily, aspect: Aspect, seconds: number): string {
  const { width, height } = clipSizes[aspect];
  return path.join(committedClipsDir, `${family}-${width}x${height}-${seconds}s.mp4`);
}

/** Maps any `w:h` ratio to the closest aspect the sandbox has clips for. */
export function nearestAspect(ratio: string): Aspect {
  const [w, h] = ratio.split(':').map(Number);
  const wanted = w && h ? Math.log(w / h) : 0;
  const distance = (a: Aspect) => Math.abs(Math.log(clipSizes[a].width / clipSizes[a].height) - wanted);
  return committedAspects.reduce((best, a) => (distance(a) < distance(best) ? a : best));
}

/** The model a task asked for, of which API: what decides which provider a clip shows. */
export interface ClipSource {
  api: Api;
  model: string;
}

/**
 * The family a task's clip is drawn as: the one of its model, else the first of its API's (Runway's other models are
 * drawn in Runway's colour under their own name).
 */
function familyOf(source: ClipSource): ClipFamily {
  const families = Object.keys(clipFamilies) as ClipFamily[];
  const own = families.find((f) => clipFamilies[f].api === source.api && clipFamilies[f].model === source.model);
  return own ?? families.find((f) => clipFamilies[f].api === source.api)!;
}

/**
 * Real H.264 clips for generated videos that show which provider rendered them: the committed clip of the model's
 * family and the exact duration, else one rendered on demand into a temporary cache when ffmpeg and the font are
 * installed, else the committed clip of the family and the nearest duration (for a model without a family of its
 * own, that clip names its family's model).
 */
export class ClipLibrary {
  private readonly clips = new Map<string, Promise<Buffer>>();

  constructor(private readonly cacheDir = path.join(tmpdir(), 'scene-video-sandbox-clips')) {}

  /** An MP4 of the aspect's clip size; its duration is the nearest committed one when no exact clip can be made. */
  get(source: ClipSource, aspect: Aspect, durationSec: number): Promise<Buffer> {
    const seconds = Math.max(1, Math.round(durationSec));
    const look: ClipLook = { family: familyOf(source), model: source.model, aspect, seconds };
    const name = JSON.stringify(look);
    let clip = this.clips.get(name);
    if (!clip) {
      clip = this.load(look);
      // A failed load must not stay cached: the next download may succeed.
      clip.catch(() => this.clips.delete(name));
      this.clips.set(name, clip);
    }
    return clip;
  }

  private async load(look: ClipLook): Promise<Buffer> {
    const { family, model, aspect, seconds } = look;
    const ownModel = clipFamilies[family].model === model;
    if (ownModel && committedSeconds.includes(seconds)) return readFile(committedClipPath(family, aspect, seconds));
    // Named by what is drawn and how, so a clip of an older look is never served.
    const hash = createHash('sha256')
      .update(JSON.stringify(clipFfmpegArgs(look)))
      .digest('hex')
      .slice(0, 16);
    const cached = path.join(this.cacheDir, `${family}-${hash}.mp4`);
    const rendered = await readFile(cached).catch(() => undefined);
    if (rendered) return rendered;
    try {
      await mkdir(this.cacheDir, { recursive: true });
      await renderClip(cached, look);
      return await readFile(cached);
    } catch {
      const nearest = committedSeconds.reduce((a, b) => (Math.abs(b - seconds) < Math.abs(a - seconds) ? b : a));
      return readFile(committedClipPath(family, aspect, nearest));
    }
  }
}
