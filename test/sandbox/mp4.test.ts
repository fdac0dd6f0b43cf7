import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Mp4FormatError, type Mp4Source, inspectMp4, inspectMp4File } from '../../dev/sandbox/video/mp4-inspect';
import { type VirtualFile, paddedMp4 } from '../../dev/sandbox/video/mp4-padding';
import {
  committedAspects,
  committedClipPath,
  committedClipsDir,
  committedSeconds,
} from '../../dev/sandbox/video/clip-library';
import { clipFamilies } from '../../dev/sandbox/video/clip-render';

const clip = readFileSync(committedClipPath('kling', '16:9', 5));

async function readAll(file: VirtualFile, start: number, end: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of file.read(start, end)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const sourceOf = (file: VirtualFile): Mp4Source => ({
  size: file.size,
  read: (offset, length) => readAll(file, offset, offset + length - 1),
});

describe('committed clips', () => {
  it('cover every provider family × aspect × duration, small, each a valid H.264 MP4 matching its name', async () => {
    const names = readdirSync(committedClipsDir).filter((n) => n.endsWith('.mp4'));
    const families = Object.keys(clipFamilies);
    expect(names).toHaveLength(families.length * committedAspects.length * committedSeconds.length);
    let total = 0;
    for (const name of names) {
      const [, family, w, h, s] = /^([a-z]+)-(\d+)x(\d+)-(\d+)s\.mp4$/.exec(name)!;
      expect(families).toContain(family);
      const info = await inspectMp4File(path.join(committedClipsDir, name));
      total += info.boxes.reduce((sum, b) => sum + b.size, 0);
      expect(info.boxes[0]!.type).toBe('ftyp');
      expect(info.tracks).toEqual([
        expect.objectContaining({ handler: 'vide', width: Number(w), height: Number(h), sampleEntries: ['avc1'] }),
      ]);
      expect(info.durationSec).toBeCloseTo(Number(s), 1);
    }
    // 90 clips of 6.5 to 12.5 KB when measured (0.83 MB): the repository carries them.
    expect(total).toBeLessThan(1024 * 1024);
  });
});

describe('paddedMp4', () => {
  it('serves the clip unchanged without a target size or when the target leaves no room for a box', async () => {
    for (const total of [undefined, clip.length - 100, clip.length + 7]) {
      const file = paddedMp4(clip, total);
      expect(file.size).toBe(clip.length);
      expect(await readAll(file, 0, file.size - 1)).toEqual(clip);
    }
  });

  it('pads beyond 4 GiB with a 64-bit free box, readable by range without holding it', async () => {
    const total = 5 * 1024 ** 3 + 3;
    const file = paddedMp4(clip, total);
    expect(file.size).toBe(total);
    const info = await inspectMp4(sourceOf(file));
    expect(info.boxes.at(-1)).toEqual({ type: 'free', offset: clip.length, size: total - clip.length });
    expect(info.durationSec).toBeCloseTo(5, 1);
    const header = await readAll(file, clip.length, clip.length + 15);
    expect(header.readUInt32BE(0)).toBe(1);
    expect(header.toString('latin1', 4, 8)).toBe('free');
    expect(Number(header.readBigUInt64BE(8))).toBe(total - clip.length);
    expect(await readAll(file, total - 5, total + 100)).toEqual(Buffer.alloc(5));
  });
});

describe('inspectMp4', () => {
  it('rejects a truncated file and bytes that are not an MP4', async () => {
    await expect(inspectMp4(clip.subarray(0, clip.length - 10))).rejects.toThrow(Mp4FormatError);
    await expect(inspectMp4(Buffer.from('<html>not a video</html>'))).rejects.toThrow(Mp4FormatError);
    await expect(inspectMp4(new Uint8Array(0))).rejects.toThrow(/no ftyp/);
  });
});
