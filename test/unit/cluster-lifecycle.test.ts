import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeAbandonedClusters } from '../../dev/cluster/cluster';
import { freePortInRange } from '../../dev/stack/free-port';
import { startManaged } from '../../dev/stack/managed-process';
import { waitFor } from '../helpers/wait-for';

const dir = mkdtempSync(join(tmpdir(), 'cluster-lifecycle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the cluster lifecycle helpers', () => {
  it('finds a free port below 32768, where Temporal membership ports must be (a PostgreSQL smallint)', async () => {
    const port = await freePortInRange(20_000, 32_767);
    expect(port).toBeGreaterThanOrEqual(20_000);
    expect(port).toBeLessThanOrEqual(32_767);
  });

  it('says so when the range has no free port', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      await expect(freePortInRange(port, port)).rejects.toThrow(`no free port in ${port}–${port}`);
    } finally {
      taken.close();
    }
  });

  it('stops a managed server with its own stop signal (PostgreSQL: SIGINT, a fast shutdown)', async () => {
    const proc = startManaged({
      name: 'sigint-only',
      command: 'sh',
      // Ignores SIGTERM: only SIGINT ends it at once (exit 3); anything else waits for the 10 s SIGKILL.
      args: ['-c', 'trap "exit 3" INT; trap "" TERM; while :; do sleep 0.1; done'],
      logFile: join(dir, 'sigint-only.log'),
      stopSignal: 'SIGINT',
    });
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await proc.stop();
    expect(await proc.exited).toBe(3);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('removes the folders of runs whose process is gone, and only those', () => {
    const gone = spawnSync('true').pid!;
    const root = join(dir, 'data');
    for (const name of [`cluster-${gone}`, `cluster-${process.pid}`, 'cluster-notes', 'other'])
      mkdirSync(join(root, name), { recursive: true });
    const lines: string[] = [];
    removeAbandonedClusters(root, (line) => lines.push(line));
    expect(existsSync(join(root, `cluster-${gone}`))).toBe(false);
    for (const kept of [`cluster-${process.pid}`, 'cluster-notes', 'other'])
      expect(existsSync(join(root, kept))).toBe(true);
    expect(lines).toEqual([`removing ${join(root, `cluster-${gone}`)}, left by process ${gone}, which is gone`]);
  });

  it('removes a folder once the process that made it dies without cleaning up (SIGKILL)', async () => {
    const folder = join(dir, 'left-behind');
    mkdirSync(folder);
    const dying = spawnSync(
      process.execPath,
      [
        '--require',
        'tsx/cjs',
        '-e',
        `require(${JSON.stringify(join(__dirname, '../../dev/stack/managed-process'))}).removeWithParent(${JSON.stringify(folder)}, 0); process.kill(process.pid, 'SIGKILL');`,
      ],
      { encoding: 'utf8' },
    );
    expect(dying.signal).toBe('SIGKILL');
    await waitFor(async () => !existsSync(folder) || undefined, 5_000);
  });
});
