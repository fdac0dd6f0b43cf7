import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'scene-video-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The demo exactly as a person runs it, on its own stack (random ports, a temporary data dir), as a real process. */
function runDemo() {
  const args = ['run', 'demo', '--', '--random-ports', '--data-dir', dataDir];
  args.push('--project', join(root, 'test/fixtures/demo/reduced-project.json'));
  args.push('--scenario', join(root, 'test/fixtures/demo/fast-scenario.json'));
  const env = { ...process.env, PIAPI_API_KEY: '', RUNWAY_API_KEY: '' };
  const res = spawnSync('npm', args, { cwd: root, env, encoding: 'utf8', timeout: 300_000 });
  return { status: res.status, out: `${res.stdout}\n${res.stderr}` };
}

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
  });

  it('a second run reuses the stack data and attaches to the finished project instead of redoing it', () => {
    const { status, out } = runDemo();
    expect(status, out).toBe(0);
    expect(out).toContain('project "demo-test" already ran: attaching to project-video-demo-test');
    expect(out).toMatch(/Total: \d+\.\d{4} USD for 2 of 2 scenes; wall time \d+\.\d s/);
  });
});
