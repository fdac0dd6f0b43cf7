import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scrapeMetrics, sumOf } from '../../dev/stack/prometheus-scrape';
import { pipelineMetrics } from '../../src/contract/metrics';
import { waitFor } from '../helpers/wait-for';

const root = join(__dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'scene-video-demo-'));
const keptDataDir = mkdtempSync(join(tmpdir(), 'scene-video-demo-kept-'));
afterAll(() => {
  for (const dir of [dataDir, keptDataDir]) rmSync(dir, { recursive: true, force: true });
});

/** The demo exactly as a person runs it, on its own stack (random ports, a temporary data dir), as a real process. */
function runDemo() {
  const res = spawnSync('npm', ['run', 'demo', '--', ...demoArgs(dataDir)], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: res.status, out: `${res.stdout}\n${res.stderr}` };
}

const env = { ...process.env, PIAPI_API_KEY: '', RUNWAY_API_KEY: '' };
const demoArgs = (data: string) => [
  '--random-ports',
  '--data-dir',
  data,
  '--project',
  join(root, 'test/fixtures/demo/reduced-project.json'),
  '--scenario',
  join(root, 'test/fixtures/demo/fast-scenario.json'),
];

describe('npm run demo', () => {
  it('runs the project on the sandbox, stores every clip as a valid MP4 and shows the fallback', () => {
    const { status, out } = runDemo();
    expect(status, out).toBe(0);
    expect(out).toContain('No RUNWAY_API_KEY or PIAPI_API_KEY set: using the local sandbox providers');
    // The CLI's live view (`--watch`), one line per change when the output is not a terminal.
    expect(out).toMatch(/\d\d:\d\d:\d\d {2}project-video-demo-test RUNNING/);
    expect(out).toMatch(
      /SCENE\s+OUTCOME\s+PROVIDER\s+ATTEMPTS\s+COST \(USD\)\s+TIME \(s\)\s+S3 KEY \/ REASON\s+STORED CLIP/,
    );
    expect(out).toMatch(/hook\s+succeeded\s+\S+\s+2 \(runway → /);
    expect(out).toMatch(/testimonial\s+succeeded\s+kling\s+1 \(kling\)/);
    expect(out.match(/✓ MP4 \d+x\d+ \d+\.\d s/g)).toHaveLength(2);
    expect(out).toMatch(/Total: \d+\.\d{4} USD for 2 of 2 scenes; wall time \d+\.\d s/);
    expect(out).toContain('Web UI:');
    // It ends with the contact sheet: a card per scene, each stored clip at a presigned URL of the demo's S3 server.
    const sheet = join(dataDir, 'contact-sheet-demo-test.html');
    expect(out).toContain(`Contact sheet: ${sheet}`);
    const html = readFileSync(sheet, 'utf8');
    expect([...html.matchAll(/data-scene-id="([^"]+)"/g)].map((m) => m[1])).toEqual(['hook', 'testimonial']);
    expect(html.match(/<video src="http:\/\/127\.0\.0\.1:\d+\/[^"]+X-Amz-Signature=[^"]+"/g)).toHaveLength(2);
  });

  it('a second run reuses the stack data and attaches to the finished project instead of redoing it', () => {
    const { status, out } = runDemo();
    expect(status, out).toBe(0);
    expect(out).toContain('project "demo-test" already ran: attaching to project-video-demo-test');
    expect(out).toMatch(/Total: \d+\.\d{4} USD for 2 of 2 scenes; wall time \d+\.\d s/);
  });

  it("--keep leaves the worker up serving its metrics, the project's scenes counted, until SIGTERM", async () => {
    // Its own data directory: a project that already ran is attached to, and its scenes are not run (nor counted) again.
    const demo = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', 'dev/demo/main.ts', '--keep', ...demoArgs(keptDataDir)],
      {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    demo.stdout.on('data', (d: Buffer) => (out += d.toString()));
    demo.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    try {
      await waitFor(async () => out.includes('--keep: the stack and the worker stay up'), 240_000, 500);
      const url = /Metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(out)?.[1];
      expect(url, out).toBeDefined();
      const samples = await scrapeMetrics(url!);
      expect(sumOf(samples, pipelineMetrics.scenes.name, { outcome: 'succeeded' })).toBe(2);
      expect(sumOf(samples, pipelineMetrics.fallbacks.name, { from_provider: 'runway' })).toBe(1);
    } finally {
      demo.kill('SIGTERM');
      expect(await exited, out).toBe(143);
    }
  }, 300_000);
});
