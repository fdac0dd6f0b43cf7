import { readFile, readdir } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../dev/harness/chromium';
import {
  committedAspects,
  committedClipPath,
  committedClipsDir,
  committedSeconds,
} from '../../dev/sandbox/video/clip-library';
import { clipFamilies } from '../../dev/sandbox/video/clip-render';

interface Loaded {
  name: string;
  ready: number;
  size: string;
  sec: number;
  error: string | null;
}

/**
 * Loads one clip in a fresh `<video>` and reports it at its first frame, its error, or 10 s.
 * One at a time: 90 players on one page starve each other in Chromium, and a failure then names
 * no clip.
 */
function probe(name: string): string {
  return `new Promise((resolve) => {
    const v = document.createElement('video');
    const report = (timedOut) => {
      clearTimeout(timer);
      resolve({ name: ${JSON.stringify(name)}, ready: v.readyState, size: v.videoWidth + 'x' + v.videoHeight,
        sec: v.duration, error: timedOut ? 'no first frame within 10 s' : v.error && v.error.message });
      v.remove();
    };
    const timer = setTimeout(() => report(true), 10000);
    v.addEventListener('loadeddata', () => report(false), { once: true });
    v.addEventListener('error', () => report(false), { once: true });
    Object.assign(v, { muted: true, preload: 'auto', src: ${JSON.stringify('/' + name)} });
    document.body.append(v);
  })`;
}

/** Every clip the library says is committed: each family at each aspect and duration. */
function promisedClips(): string[] {
  return (Object.keys(clipFamilies) as (keyof typeof clipFamilies)[]).flatMap((family) =>
    committedAspects.flatMap((aspect) =>
      committedSeconds.map((seconds) => path.basename(committedClipPath(family, aspect, seconds))),
    ),
  );
}

let browser: Browser;
let server: Server;
let names: string[];
let origin: string;
beforeAll(async () => {
  names = (await readdir(committedClipsDir)).filter((n) => n.endsWith('.mp4'));
  browser = await launchChromium();
  // Served as the sandbox serves them: over http, as video/mp4.
  server = createServer((req, res) => {
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><body>');
    readFile(path.join(committedClipsDir, path.basename(req.url ?? '')))
      .then((clip) => res.writeHead(200, { 'content-type': 'video/mp4' }).end(clip))
      .catch(() => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('committed sandbox clips', () => {
  it("decode and play in Debian's Chromium at their size and duration", async () => {
    const tab = await browser.newPage();
    await tab.goto(`${origin}/`);
    expect(names.sort()).toEqual(promisedClips().sort());
    for (const name of names) {
      const clip = await tab.evaluate<Loaded>(probe(name));
      const [, size, seconds] = /-(\d+x\d+)-(\d+)s\.mp4$/.exec(clip.name)!;
      expect(clip, clip.name).toMatchObject({ size, error: null });
      expect(clip.ready, clip.name).toBeGreaterThanOrEqual(2);
      expect(clip.sec, clip.name).toBeCloseTo(Number(seconds), 1);
    }
    // Playing moves the timecode: a clip advances about as fast as the clock.
    const playedSec = await tab.evaluate<number>(`(async () => {
      const v = Object.assign(document.createElement('video'), { muted: true, src: ${JSON.stringify('/' + names[0])} });
      document.body.append(v);
      await v.play();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return v.currentTime;
    })()`);
    expect(playedSec).toBeGreaterThan(0.5);
    await tab.close();
  });
});
