import { describe, expect, it } from 'vitest';
import { clipMetadata, metadataMaxBytes, metadataValueMaxChars } from '../../src/activities/upload/clip-metadata';
import type { UploadToS3Input } from '../../src/contract/activities';
import { sha256Hex } from '../../src/domain/sha256';

const input: UploadToS3Input = {
  provider: 'kling',
  taskId: 'task-1',
  videoUrl: 'https://cdn.example/v.mp4?token=secret',
  sceneId: 'hook-1',
  projectId: 'launch',
  sceneType: 'hook',
  model: 'kling-v2',
  requestedDurationSec: 6,
  durationSec: 5,
  costUsd: 0.26,
  promptSha256: sha256Hex('A car on a coast road'),
};

/** What S3 counts against its 2 KB: every `x-amz-meta-` header's name and value, in bytes. */
const headerBytes = (m: Record<string, string>) =>
  Object.entries(m).reduce((n, [k, v]) => n + Buffer.byteLength(`x-amz-meta-${k}`) + Buffer.byteLength(v), 0);

/** Printable ASCII without spaces: what survives an HTTP header untouched. */
const headerSafe = /^[\x21-\x7e]*$/;

describe('clipMetadata', () => {
  it('names what produced the clip, numbers as plain decimals, and never the prompt, the video URL or a key', () => {
    expect(clipMetadata(input)).toEqual({
      provider: 'kling',
      model: 'kling-v2',
      taskid: 'task-1',
      sceneid: 'hook-1',
      projectid: 'launch',
      scenetype: 'hook',
      requesteddurationsec: '6',
      durationsec: '5',
      costusd: '0.26',
      promptsha256: sha256Hex('A car on a coast road'),
    });
    expect(JSON.stringify(clipMetadata(input))).not.toMatch(/coast|secret|cdn\.example/);
  });

  it('leaves out what an upload scheduled before these fields does not carry, and non-finite numbers', () => {
    const old = { provider: 'luma', taskId: 't', videoUrl: 'https://x/v.mp4', sceneId: 's', sceneType: 'broll' };
    expect(clipMetadata(old)).toEqual({ provider: 'luma', taskid: 't', sceneid: 's', scenetype: 'broll' });
    const bad = clipMetadata({ ...input, costUsd: Number.NaN, durationSec: Infinity, model: '' });
    for (const key of ['costusd', 'durationsec', 'model']) expect(bad).not.toHaveProperty(key);
  });

  it('percent-encodes what a header cannot carry, so the value decodes back to the original', () => {
    const hostile = 'naïve 日本 🎬\r\nx-amz-meta-evil: 1\t%41\u0000\u007f\u0085';
    const m = clipMetadata({ ...input, taskId: hostile, sceneType: ' padded ' });
    expect(m.taskid).toMatch(headerSafe);
    expect(m.taskid).not.toMatch(/[\r\n]/);
    expect(decodeURIComponent(m.taskid!)).toBe(hostile);
    expect(m.scenetype).toBe('%20padded%20');
  });

  it('turns lone surrogates into U+FFFD rather than failing', () => {
    const m = clipMetadata({ ...input, model: 'a\ud800b' });
    expect(decodeURIComponent(m.model!)).toBe('a\ufffdb');
  });

  it.each([
    ['ASCII', 'x'],
    ['four-byte characters', '🎬'],
    ['percent signs', '%'],
    ['control characters', '\n'],
  ])('keeps every header ASCII and all of them within 2 KB, clipping %s on a whole character', (_, unit) => {
    const long = unit.repeat(5_000);
    const m = clipMetadata({
      ...input,
      provider: long,
      model: long,
      taskId: long,
      sceneId: long,
      projectId: long,
      sceneType: long,
      requestedDurationSec: -Number.MAX_VALUE,
      durationSec: Number.MIN_VALUE,
      costUsd: 1 / 3,
      promptSha256: sha256Hex(long),
    });
    expect(headerBytes(m)).toBeLessThanOrEqual(metadataMaxBytes);
    for (const value of Object.values(m)) {
      expect(value).toMatch(headerSafe);
      expect(value.length).toBeLessThanOrEqual(metadataValueMaxChars);
    }
    const decoded = decodeURIComponent(m.taskid!);
    expect(long.startsWith(decoded)).toBe(true);
    expect(decoded.length).toBeGreaterThan(0);
  });
});
