import { readFile, readdir } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../dev/harness/chromium';
import { committedClipsDir } from '../../dev/sandbox/video/clip-library';

interface Loaded {
  name: string;
  ready: number;
  size: string;
  sec: number;
  error: string | null;
}

/** One `<video>` per clip; `window.loaded` fills in as each has its first frame (or fails). */
function page(names: string[]): string {
  const videos = names.map((n) => `<video muted preload="auto" src="/${n}" data-name="${n}"></video>`).join('');
  return `<!doctype html><body>${videos}<script>
    window.loaded = [];
    for (const v of document.querySelectorAll('video')) {
      const done = () => window.loaded.push({ name: v.dataset.name, ready: v.readyState,
        size: v.videoWidth + 'x' + v.videoHeight, sec: v.duration, error: v.error && v.error.message });
      v.addEventListener('loadeddata', done, { once: true });
      v.addEventListener('error', done, { once: true });
    }
  </script></body>`;
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
    if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(page(names));
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
    await tab.waitForFunction(`window.loaded.length === ${names.length}`, undefined, { timeout: 60_000 });
    const loaded = await tab.evaluate<Loaded[]>('window.loaded');
    for (const clip of loaded) {
      const [, size, seconds] = /-(\d+x\d+)-(\d+)s\.mp4$/.exec(clip.name)!;
      expect(clip, clip.name).toMatchObject({ size, error: null });
      expect(clip.ready, clip.name).toBeGreaterThanOrEqual(2);
      expect(clip.sec, clip.name).toBeCloseTo(Number(seconds), 1);
    }
    // Playing moves the timecode: a clip advances about as fast as the clock.
    const playedSec = await tab.evaluate<number>(`(async () => {
      const v = document.querySelector('video');
      await v.play();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return v.currentTime;
    })()`);
    expect(playedSec).toBeGreaterThan(0.5);
    await tab.close();
  });
});
