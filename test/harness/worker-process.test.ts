import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnWorkerProcess, startWorkerProcess, type WorkerEntry } from '../../dev/harness/worker-process';

/** Stand-ins for a worker entry: what the harness sees of one is its output, its signals and its exit. */
const dir = mkdtempSync(join(tmpdir(), 'harness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function entry(name: string, source: string): WorkerEntry {
  const path = join(dir, `${name}.js`);
  writeFileSync(path, source);
  return { path, readyLine: 'polling now' };
}

const polls = entry(
  'polls',
  `console.error('starting ' + process.env.GREETING);
   setTimeout(() => console.log('polling now'), 50);
   process.on('SIGTERM', () => { console.log('draining'); setTimeout(() => process.exit(0), 50); });
   setInterval(() => undefined, 1000);`,
);
const hangsOnTerm = entry(
  'hangs',
  // The handler before the ready line: the parent may signal the moment it reads that line.
  `process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
   console.log('polling now');
   setInterval(() => undefined, 1000);`,
);
const dies = entry('dies', `console.error('no such bucket'); process.exit(1);`);
const silent = entry('silent', `setInterval(() => undefined, 1000);`);

describe('a worker process from the harness', () => {
  it('is ready once it prints its ready line, sees only the environment it is given, and drains on stop', async () => {
    const worker = await startWorkerProcess({ entry: polls, env: { PATH: process.env.PATH, GREETING: 'hello' } });
    expect(worker.alive).toBe(true);
    await worker.stop();
    expect(worker.alive).toBe(false);
    expect(worker.output()).toBe('starting hello\npolling now\ndraining\n');
  });

  it('is SIGKILLed after the grace time when it does not stop on SIGTERM', async () => {
    const worker = await startWorkerProcess({ entry: hangsOnTerm, env: { PATH: process.env.PATH } });
    const started = Date.now();
    await worker.stop(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(worker.output()).toContain('ignoring SIGTERM');
    expect(worker.alive).toBe(false);
  });

  it('dies at once on kill', async () => {
    const worker = await startWorkerProcess({ entry: hangsOnTerm, env: { PATH: process.env.PATH } });
    await worker.kill();
    expect(worker.alive).toBe(false);
    expect(worker.output()).not.toContain('ignoring SIGTERM');
  });

  it('rejects `ready` with its last output when it exits first', async () => {
    const worker = spawnWorkerProcess({ entry: dies, env: { PATH: process.env.PATH } });
    await expect(worker.ready).rejects.toThrow(/exited before it was ready \(code 1, signal null\): no such bucket/);
  });

  it('is killed when it is not ready in time', async () => {
    const worker = spawnWorkerProcess({ entry: silent, env: { PATH: process.env.PATH }, readyTimeoutMs: 200 });
    await expect(worker.ready).rejects.toThrow('worker not ready within 0.2 s');
    await worker.exited;
    expect(worker.alive).toBe(false);
  });
});
