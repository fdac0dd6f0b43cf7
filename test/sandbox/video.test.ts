import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inspectMp4, type Sandbox } from '../../dev/sandbox';
import { committedClipPath } from '../../dev/sandbox/video/clip-library';
import { clipFont } from '../../dev/sandbox/video/clip-render';
import { call, fast, gen45Body, klingBody, piapi, runway } from './http';
import { useSandbox } from './use-sandbox';

let sb: Sandbox;

useSandbox((started) => (sb = started));

/** Whether the sandbox can render clips on demand here (CI cannot: it serves the committed ones). */
const canRender = spawnSync('ffmpeg', ['-version']).status === 0 && existsSync(clipFont);

const lumaInput = { prompt: 'x', aspect_ratio: '1:1' };
const hailuoBody = { model: 'hailuo', task_type: 'video_generation', input: { model: 't2v-01', prompt: 'x' } };
const hunyuanBody = { model: 'Qubico/hunyuan', task_type: 'txt2video', input: { prompt: 'x', aspect_ratio: '9:16' } };
const veoBody = { model: 'veo3.1', task_type: 'veo3.1-video', input: { prompt: 'x', duration: '8s' } };

async function piapiVideoUrl(body: unknown): Promise<string> {
  const api = piapi(sb);
  const created = await api.create(body);
  expect(created.status, created.text).toBe(200);
  const { output } = await api.until(created.json.data.task_id, 'completed');
  return output.video_url ?? output.video?.url ?? output.video;
}

async function runwayVideoUrl(body: Record<string, unknown>): Promise<string> {
  const api = runway(sb);
  const created = await api.textToVideo(body);
  expect(created.status, created.text).toBe(200);
  return (await api.until(created.json.id, 'SUCCEEDED')).output[0];
}

async function fetchBytes(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('served clips are real MP4s of the requested shape', () => {
  it.each([
    ['kling 16:9 5 s', () => piapiVideoUrl(klingBody({ aspect_ratio: '16:9', duration: 5 })), 16 / 9, 5],
    ['kling 9:16 10 s', () => piapiVideoUrl(klingBody({ aspect_ratio: '9:16', duration: 10 })), 9 / 16, 10],
    ['kling 1:1 5 s', () => piapiVideoUrl(klingBody({ aspect_ratio: '1:1' })), 1, 5],
    [
      'veo3.1 9:16 8 s',
      () =>
        piapiVideoUrl({
          model: 'veo3.1',
          task_type: 'veo3.1-video',
          input: { prompt: 'x', aspect_ratio: '9:16', duration: '8s' },
        }),
      9 / 16,
      8,
    ],
    ['hailuo 6 s', () => piapiVideoUrl(hailuoBody), 16 / 9, 6],
    ['runway gen4.5 720:1280 4 s', () => runwayVideoUrl(gen45Body({ ratio: '720:1280', duration: 4 })), 9 / 16, 4],
    [
      'runway veo3.1 1920:1080 8 s',
      () => runwayVideoUrl({ model: 'veo3.1', promptText: 'x', ratio: '1920:1080', duration: 8 }),
      16 / 9,
      8,
    ],
  ])('%s', async (_name, videoUrl, aspect, seconds) => {
    const { res, bytes } = await fetchBytes(await videoUrl());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);

    const info = await inspectMp4(bytes);
    expect(info.boxes[0]!.type).toBe('ftyp');
    expect(info.boxes.map((b) => b.type)).toEqual(expect.arrayContaining(['moov', 'mdat']));
    const video = info.tracks.find((t) => t.handler === 'vide')!;
    expect(video.sampleEntries).toContain('avc1');
    expect(video.width / video.height).toBeCloseTo(aspect, 1);
    expect(info.durationSec).toBeCloseTo(seconds, 0);
    expect(Math.abs(info.durationSec - seconds)).toBeLessThan(0.2);
  });

  it.each([
    ['runway', '9:16', () => runwayVideoUrl(gen45Body({ ratio: '720:1280', duration: 4 })), 4],
    ['kling', '16:9', () => piapiVideoUrl(klingBody({ duration: 10 })), 10],
    ['luma', '1:1', () => piapiVideoUrl({ model: 'luma', task_type: 'video_generation', input: lumaInput }), 5],
    ['hailuo', '16:9', () => piapiVideoUrl(hailuoBody), 6],
    ['hunyuan', '9:16', () => piapiVideoUrl(hunyuanBody), 5],
    ['veo', '16:9', () => piapiVideoUrl(veoBody), 8],
  ] as const)("a %s task gets its provider family's committed %s clip", async (family, aspect, videoUrl, seconds) => {
    const { bytes } = await fetchBytes(await videoUrl());
    expect(Buffer.from(bytes).equals(readFileSync(committedClipPath(family, aspect, seconds)))).toBe(true);
  });

  it('serves an exact uncommitted duration when ffmpeg and the font are installed, else the nearest committed one', async () => {
    const { bytes } = await fetchBytes(await runwayVideoUrl(gen45Body({ duration: 7 })));
    const info = await inspectMp4(bytes);
    if (canRender) expect(Math.abs(info.durationSec - 7)).toBeLessThan(0.2);
    else expect([6, 8]).toContain(Math.round(info.durationSec));
  });

  it("draws a model without a family of its own under its API's family when ffmpeg and the font are installed", async () => {
    const { bytes } = await fetchBytes(
      await runwayVideoUrl({ model: 'veo3.1', promptText: 'x', ratio: '1920:1080', duration: 8 }),
    );
    const gen45Clip = readFileSync(committedClipPath('runway', '16:9', 8));
    expect(Buffer.from(bytes).equals(gen45Clip)).toBe(!canRender);
    expect((await inspectMp4(bytes)).durationSec).toBeCloseTo(8, 1);
  });
});

describe('CDN behaviour', () => {
  it('answers HEAD with the GET headers and no body', async () => {
    const url = await piapiVideoUrl(klingBody());
    const head = await fetch(url, { method: 'HEAD' });
    const get = await fetchBytes(url);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(`${get.bytes.length}`);
    expect(head.headers.get('content-type')).toBe('video/mp4');
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    expect(sb.stats().downloads).toEqual({ [sb.stats().tasks[0]!.taskId]: { count: 1, bytes: get.bytes.length } });
  });

  it('serves single byte ranges with 206 and refuses unsatisfiable ones with 416', async () => {
    const url = await piapiVideoUrl(klingBody());
    const { bytes: full } = await fetchBytes(url);
    const size = full.length;

    const first = await fetchBytes(url, { range: 'bytes=0-7' });
    expect(first.res.status).toBe(206);
    expect(first.res.headers.get('content-range')).toBe(`bytes 0-7/${size}`);
    expect(first.res.headers.get('content-length')).toBe('8');
    expect(Buffer.from(first.bytes).toString('latin1', 4, 8)).toBe('ftyp');

    const tail = await fetchBytes(url, { range: 'bytes=-10' });
    expect(tail.res.status).toBe(206);
    expect(Buffer.from(tail.bytes)).toEqual(Buffer.from(full.subarray(size - 10)));

    const open = await fetchBytes(url, { range: `bytes=${size - 3}-` });
    expect(open.res.headers.get('content-range')).toBe(`bytes ${size - 3}-${size - 1}/${size}`);
    expect(open.bytes.length).toBe(3);

    const beyond = await fetch(url, { headers: { range: `bytes=${size}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);
    await beyond.arrayBuffer();
  });

  it('pads to videoBytes with a trailing free box, still a valid MP4', async () => {
    const videoBytes = 3 * 1024 * 1024 + 17;
    sb.patchScenario({ videoBytes });
    const url = await piapiVideoUrl(klingBody());
    const { res, bytes } = await fetchBytes(url);
    expect(res.headers.get('content-length')).toBe(`${videoBytes}`);
    expect(bytes.length).toBe(videoBytes);
    const info = await inspectMp4(bytes);
    const last = info.boxes.at(-1)!;
    expect(last.type).toBe('free');
    expect(last.offset + last.size).toBe(videoBytes);
    expect(info.tracks[0]!.sampleEntries).toContain('avc1');
    const end = await fetchBytes(url, { range: `bytes=${videoBytes - 4}-` });
    expect([...end.bytes]).toEqual([0, 0, 0, 0]);
  });

  it('answers 404 for unknown files and for outputs of unfinished tasks', async () => {
    expect((await call(`${sb.origin}/ephemeral/00000000-0000-4000-8000-000000000000.mp4`)).status).toBe(404);
    expect((await call(`${sb.origin}/runway-output/00000000-0000-4000-8000-000000000000.mp4?_jwt=x.y.z`)).status).toBe(
      404,
    );
  });
});

describe('download faults', () => {
  it('download_404 answers 404 for the first `times` downloads', async () => {
    sb.setScenario({ ...fast, default: { ...fast.default, faults: [{ kind: 'download_404', times: 1 }] } });
    const url = await piapiVideoUrl(klingBody());
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(url)).status).toBe(200);
  });

  it('download_5xx answers its status for the first `times` downloads, then serves the file', async () => {
    sb.setScenario({ ...fast, default: { ...fast.default, faults: [{ kind: 'download_5xx', times: 1 }] } });
    const url = await runwayVideoUrl(gen45Body());
    expect((await fetch(url)).status).toBe(503);
    expect((await fetch(url)).status).toBe(200);
  });

  it('outputs.piapiRetentionMs deletes the file that long after completion; the task still names it', async () => {
    sb.setScenario({ ...fast, outputs: { piapiRetentionMs: 300 } });
    const api = piapi(sb);
    const id = (await api.create(klingBody())).json.data.task_id as string;
    const url = (await api.until(id, 'completed')).output.video_url as string;
    expect((await fetch(url)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await fetch(url)).status).toBe(404);
    const again = (await api.get(id)).json.data;
    expect(again.status).toBe('completed');
    expect(again.output.video_url).toBe(url);
  });

  it('download_truncated promises the full Content-Length and cuts the connection early', async () => {
    sb.setScenario({ ...fast, default: { ...fast.default, faults: [{ kind: 'download_truncated', fraction: 0.5 }] } });
    const url = await piapiVideoUrl(klingBody());
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const size = Number(res.headers.get('content-length'));
    await expect(res.arrayBuffer()).rejects.toThrow();
    const [download] = Object.values(sb.stats().downloads);
    expect(download!.bytes).toBe(Math.floor(size / 2));
  });

  it('download_slow trickles at bytesPerSec', async () => {
    const bytesPerSec = 10_000;
    sb.setScenario({ ...fast, default: { ...fast.default, faults: [{ kind: 'download_slow', bytesPerSec }] } });
    const url = await piapiVideoUrl(klingBody({ duration: 5 }));
    const started = Date.now();
    const { bytes } = await fetchBytes(url);
    // The sandbox pauses after each tenth-of-a-second slice, so the client has the last slice one pause early.
    expect(Date.now() - started).toBeGreaterThanOrEqual((bytes.length / bytesPerSec) * 1000 - 110);
  });
});
