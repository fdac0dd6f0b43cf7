import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerEnv } from '../../dev/harness/worker-env';
import { spawnWorkerProcess, type WorkerProcess } from '../../dev/harness/worker-process';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { freePort } from '../../dev/stack/free-port';
import { resolveTool } from '../../dev/stack/provision';
import { startS3Server, type S3Server } from '../../dev/stack/s3-server';
import { startTemporalDevServer, type TemporalDevServer } from '../../dev/stack/temporal-dev-server';
import { allSearchAttributeKeys } from '../../src/contract/search-attributes';
import { getJson, runCliModule, type HttpAnswer } from '../helpers/cli-probes';
import { uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';

// A Temporal server and an S3 server of this file's own, which it takes down and brings back: the global stack is
// shared by every test file and must stay up. The Temporal server keeps its SQLite file, so a restart is a real one.

const root = join(__dirname, '..', '..');
const cliSource = join(root, 'src', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'svw-readiness-'));
const intervalSec = 1;

let temporal: TemporalDevServer;
let s3: S3Server;
let sandbox: Sandbox;
let worker: WorkerProcess;
let base: string;
let healthPort: number;

beforeAll(async () => {
  const [temporalBinary, s3Binary] = await Promise.all([
    resolveTool('temporal', () => undefined),
    resolveTool('versitygw', () => undefined),
  ]);
  [temporal, s3, sandbox] = await Promise.all([
    startTemporalDevServer({
      binary: temporalBinary,
      namespace: 'default',
      dbFile: join(dir, 'temporal.sqlite'),
      uiPort: false,
      searchAttributes: allSearchAttributeKeys,
      logDir: dir,
    }),
    startS3Server({ binary: s3Binary, dataDir: join(dir, 's3'), bucket: 'readiness-clips', logDir: dir }),
    startSandbox(),
  ]);
  healthPort = await freePort();
  base = `http://127.0.0.1:${healthPort}`;
  const stack = { temporalAddress: temporal.address, namespace: temporal.namespace, s3 };
  worker = spawnWorkerProcess({
    env: {
      ...workerEnv(stack, sandbox, { taskQueue: uniqueTaskQueue('readiness') }),
      WORKER_HEALTH_PORT: String(healthPort),
      WORKER_READINESS_INTERVAL_SEC: String(intervalSec),
    },
    readyTimeoutMs: 90_000,
  });
  await worker.ready;
});

afterAll(async () => {
  await worker?.stop(15_000);
  await Promise.all([temporal?.stop(), s3?.stop(), sandbox?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

interface ReadyzBody {
  status: string;
  state: string;
  temporal: string;
  temporalSince: string;
  s3: string;
  s3Since: string;
  checkedAt?: string;
}

/** The first /readyz answer that `accept`s, asked every 100 ms: waiting on the worker, never a timing assertion. */
function readyzUntil(accept: (answer: HttpAnswer & { body: ReadyzBody }) => boolean, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const answer = (await getJson(`${base}/readyz`)) as HttpAnswer & { body: ReadyzBody };
      return accept(answer) ? answer : undefined;
    },
    timeoutMs,
    100,
  );
}

/** Until the worker has finished `rounds` more rounds of checks after `after` (an ISO time from a body). */
const roundsAfter = (after: string, rounds: number) =>
  readyzUntil(
    (a) =>
      a.body.checkedAt !== undefined && Date.parse(a.body.checkedAt) >= Date.parse(after) + rounds * intervalSec * 1000,
  );

const health = () =>
  runCliModule(cliSource, ['health'], {
    cwd: root,
    env: { PATH: process.env.PATH, WORKER_HEALTH_PORT: String(healthPort) },
    nodeArgs: ['--require', 'tsx/cjs'],
  });

const linesContaining = (text: string) =>
  worker
    .output()
    .split('\n')
    .filter((line) => line.includes(text));

describe('/readyz follows the Temporal server and S3, not only the worker state', () => {
  it('says at start what it checks and how often', () => {
    expect(worker.output()).toContain(
      `scene-video worker health checks on ${base} (/healthz, /readyz); readiness checks temporal and s3 every ${intervalSec} s`,
    );
  });

  it('turns 503 naming temporal while the Temporal server is down, and 200 again once it is back', async () => {
    const ready = await readyzUntil((a) => a.status === 200);
    expect(ready.body).toMatchObject({ status: 'ready', state: 'RUNNING', temporal: 'ok', s3: 'ok' });
    const body = JSON.stringify(ready.body);
    for (const secret of [s3.secretAccessKey, s3.accessKeyId, s3.endpoint, s3.bucket, temporal.address]) {
      expect(body).not.toContain(secret);
    }

    const stoppedAt = Date.now();
    await temporal.stop();
    const down = await readyzUntil((a) => a.status === 503);
    // The SDK worker itself stays RUNNING, retrying its polls: its state alone would have said ready.
    expect(down.body).toMatchObject({ status: 'not_ready', state: 'RUNNING', temporal: 'unreachable', s3: 'ok' });
    expect(Date.parse(down.body.temporalSince)).toBeGreaterThanOrEqual(stoppedAt - 1_000);
    expect((await getJson(`${base}/healthz`)).status).toBe(200);
    const probe = await health();
    expect(probe.code).toBe(1);
    expect(probe.stderr).toContain(`not ready: ${base}/readyz answered 503 (worker RUNNING, temporal unreachable).`);
    // Several rounds find it down; the log says so once.
    const later = await roundsAfter(down.body.temporalSince, 3);
    expect(later.body).toMatchObject({ temporal: 'unreachable', temporalSince: down.body.temporalSince });
    expect(linesContaining('Readiness: temporal unreachable')).toHaveLength(1);

    temporal = await temporal.startAgain();
    const back = await readyzUntil((a) => a.status === 200);
    expect(back.body).toMatchObject({ status: 'ready', state: 'RUNNING', temporal: 'ok', s3: 'ok' });
    expect(Date.parse(back.body.temporalSince)).toBeGreaterThan(Date.parse(down.body.temporalSince));
    expect(linesContaining('Readiness: temporal ok again')).toHaveLength(1);
    expect((await health()).code).toBe(0);
  }, 180_000);

  it('turns 503 naming s3 while the S3 server is down, and 200 again once it is back', async () => {
    await readyzUntil((a) => a.status === 200);
    await s3.stop();
    const down = await readyzUntil((a) => a.status === 503);
    expect(down.body).toMatchObject({ status: 'not_ready', state: 'RUNNING', temporal: 'ok', s3: 'unreachable' });
    const probe = await health();
    expect(probe.stderr).toContain(`answered 503 (worker RUNNING, s3 unreachable).`);
    await roundsAfter(down.body.s3Since, 3);
    expect(linesContaining('Readiness: s3 unreachable')).toHaveLength(1);
    expect(worker.output()).not.toContain(s3.secretAccessKey);

    s3 = await s3.startAgain();
    const back = await readyzUntil((a) => a.status === 200);
    expect(back.body).toMatchObject({ temporal: 'ok', s3: 'ok' });
    expect(linesContaining('Readiness: s3 ok again')).toHaveLength(1);
  }, 180_000);
});
