import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Aspect } from '../core/task-store';

export const clipSizes: Record<Aspect, { width: number; height: number }> = {
  '16:9': { width: 160, height: 90 },
  '9:16': { width: 90, height: 160 },
  '1:1': { width: 120, height: 120 },
};

/** The durations `scripts/make-sandbox-clips.sh` commits for every aspect. */
const committedSeconds = [4, 5, 6, 8, 10];
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const committedDir = path.join(repoRoot, 'assets', 'sandbox', 'clips');
const renderScript = path.join(repoRoot, 'scripts', 'make-sandbox-clips.sh');

/** Maps any `w:h` ratio to the closest aspect the sandbox has clips for. */
export function nearestAspect(ratio: string): Aspect {
  const [w, h] = ratio.split(':').map(Number);
  const wanted = w && h ? Math.log(w / h) : 0;
  const aspects: Aspect[] = ['16:9', '9:16', '1:1'];
  const distance = (a: Aspect) => Math.abs(Math.log(clipSizes[a].width / clipSizes[a].height) - wanted);
  return aspects.reduce((best, a) => (distance(a) < distance(best) ? a : best));
}

/**
 * Real H.264 clips for generated videos: the committed clip of the exact duration, else one rendered on demand into
 * a temporary cache when ffmpeg is installed, else the committed clip of the nearest duration.
 */
export class ClipLibrary {
  private readonly clips = new Map<string, Promise<Buffer>>();

  constructor(private readonly cacheDir = path.join(tmpdir(), 'scene-video-sandbox-clips')) {}

  /** An MP4 of the aspect's clip size; its duration is the nearest committed one when no exact clip can be made. */
  get(aspect: Aspect, durationSec: number): Promise<Buffer> {
    const seconds = Math.max(1, Math.round(durationSec));
    const name = `${aspect}/${seconds}`;
    let clip = this.clips.get(name);
    if (!clip) {
      clip = this.load(aspect, seconds);
      // A failed load must not stay cached: the next download may succeed.
      clip.catch(() => this.clips.delete(name));
      this.clips.set(name, clip);
    }
    return clip;
  }

  private async load(aspect: Aspect, seconds: number): Promise<Buffer> {
    const { width, height } = clipSizes[aspect];
    const clip = (dir: string, s: number) => readFile(path.join(dir, `${width}x${height}-${s}s.mp4`));
    if (committedSeconds.includes(seconds)) return clip(committedDir, seconds);
    const rendered = await clip(this.cacheDir, seconds).catch(() => undefined);
    if (rendered) return rendered;
    try {
      await promisify(execFile)('bash', [renderScript, this.cacheDir, `${width}`, `${height}`, `${seconds}`]);
      return await clip(this.cacheDir, seconds);
    } catch {
      const nearest = committedSeconds.reduce((a, b) => (Math.abs(b - seconds) < Math.abs(a - seconds) ? b : a));
      return clip(committedDir, nearest);
    }
  }
}
