import { S3Client } from '@aws-sdk/client-s3';
import type { State } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { healthPortFrom, readinessUrl } from '../../src/cli/commands/health';
import { loadWorkerEnv } from '../../src/config/environment';
import {
  allReadiness,
  healthResponse,
  skippedProbe,
  watchDependencies,
  workerReadiness,
  type DependencyProbe,
  type ProbeResult,
  type ReadinessCheck,
} from '../../src/worker/health-server';
import { temporalProbe, workerDependencyProbes } from '../../src/worker/readiness-probes';
import { storageProbe } from '../../src/worker/storage-check';
import { waitFor } from '../helpers/wait-for';

const workerIn = (state: State) => workerReadiness(() => ({ getState: () => state }));

describe('health endpoint answers', () => {
  it('/healthz is 200 whatever the worker does', async () => {
    expect(await healthResponse('GET', '/healthz', workerIn('DRAINING'))).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
  });

  it('/readyz is 200 only while the worker runs', async () => {
    expect(await healthResponse('GET', '/readyz', workerIn('RUNNING'))).toEqual({
      status: 200,
      body: { status: 'ready', state: 'RUNNING' },
    });
    for (const state of ['INITIALIZED', 'STOPPING', 'DRAINING', 'DRAINED', 'STOPPED', 'FAILED'] as const) {
      expect(await healthResponse('GET', '/readyz', workerIn(state))).toEqual({
        status: 503,
        body: { status: 'not_ready', state },
      });
    }
  });

  it('/readyz says STARTING before the worker exists', async () => {
    expect(
      await healthResponse(
        'GET',
        '/readyz',
        workerReadiness(() => undefined),
      ),
    ).toEqual({
      status: 503,
      body: { status: 'not_ready', state: 'STARTING' },
    });
  });

  it('a check that throws is not ready, and its message stays out of the body', async () => {
    const failing: ReadinessCheck = () => Promise.reject(new Error('secret-access-key=abc'));
    const answer = await healthResponse('GET', '/readyz', failing);
    expect(answer.status).toBe(503);
    expect(JSON.stringify(answer.body)).not.toContain('secret');
  });

  it('ignores the query string; HEAD is answered like GET', async () => {
    expect((await healthResponse('GET', '/readyz?verbose=1', workerIn('RUNNING'))).status).toBe(200);
    expect((await healthResponse('HEAD', '/healthz', workerIn('RUNNING'))).status).toBe(200);
  });

  it('404 for other paths, 405 for other methods on the two', async () => {
    for (const url of ['/', '/metrics', '/readyz/', '/healthz/x', undefined]) {
      expect((await healthResponse('GET', url, workerIn('RUNNING'))).status, String(url)).toBe(404);
    }
    expect(await healthResponse('POST', '/readyz', workerIn('RUNNING'))).toMatchObject({
      status: 405,
      headers: { allow: 'GET, HEAD' },
    });
  });
});

/** A probe whose answer the test sets, counting its calls; `hold()` makes the next calls wait until `release()`. */
function controlledProbe(initial: ProbeResult) {
  let answer = initial;
  let gate: Promise<void> | undefined;
  let open = () => {};
  const probe = {
    calls: 0,
    timeouts: [] as number[],
    answer: (next: ProbeResult) => (answer = next),
    hold: () => {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
    release: () => {
      gate = undefined;
      open();
    },
    run: (async (timeoutMs) => {
      probe.calls++;
      probe.timeouts.push(timeoutMs);
      await gate;
      return answer;
    }) as DependencyProbe,
  };
  return probe;
}

/** A logger that keeps what it is told; `now()` a clock the test moves. */
function recorder() {
  const lines: { level: 'info' | 'warn'; message: string; meta?: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (message: string, meta?: Record<string, unknown>) => lines.push({ level: 'info', message, meta }),
    warn: (message: string, meta?: Record<string, unknown>) => lines.push({ level: 'warn', message, meta }),
  };
}

const t0 = Date.parse('2026-01-05T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('readiness from background dependency checks', () => {
  // An interval no test waits out: rounds after the first come from checkNow() alone.
  const manual = { intervalMs: 3_600_000, timeoutMs: 5_000 };

  it('is not ready before the first round ends, then ready with each state, since when, and when checked', async () => {
    let clock = t0;
    const temporal = controlledProbe({ state: 'ok' });
    temporal.hold();
    const watch = watchDependencies(
      { temporal: temporal.run, s3: skippedProbe },
      { ...manual, logger: recorder(), now: () => clock },
    );
    try {
      // The first round is under way and its probe hangs: the answer does not wait for it.
      expect(await watch.readiness()).toEqual({
        ready: false,
        temporal: 'unknown',
        temporalSince: iso(t0),
        s3: 'unknown',
        s3Since: iso(t0),
      });
      clock = t0 + 1_500;
      temporal.release();
      await watch.checkNow();
      expect(await watch.readiness()).toEqual({
        ready: true,
        temporal: 'ok',
        temporalSince: iso(t0 + 1_500),
        s3: 'skipped',
        s3Since: iso(t0 + 1_500),
        checkedAt: iso(t0 + 1_500),
      });
      expect(temporal.timeouts).toEqual([5_000]);
    } finally {
      watch.stop();
    }
  });

  it('answers any number of probes from the last round: no call to the dependency per request', async () => {
    const temporal = controlledProbe({ state: 'ok' });
    const watch = watchDependencies({ temporal: temporal.run }, { ...manual, logger: recorder() });
    try {
      await watch.checkNow();
      const answers = await Promise.all(
        Array.from({ length: 500 }, () => healthResponse('GET', '/readyz', watch.readiness)),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(temporal.calls).toBe(1);
      // A round asked for while one runs is that round.
      temporal.hold();
      const [a, b] = [watch.checkNow(), watch.checkNow()];
      temporal.release();
      await Promise.all([a, b]);
      expect(temporal.calls).toBe(2);
    } finally {
      watch.stop();
    }
  });

  it('checks again every interval by itself', async () => {
    const temporal = controlledProbe({ state: 'ok' });
    const watch = watchDependencies({ temporal: temporal.run }, { intervalMs: 5, timeoutMs: 50, logger: recorder() });
    try {
      await waitFor(async () => temporal.calls >= 3, 5_000, 5);
    } finally {
      watch.stop();
    }
  });

  it('logs a change of state once, not every check, and keeps its since time until the next change', async () => {
    let clock = t0;
    const log = recorder();
    const temporal = controlledProbe({ state: 'ok' });
    const s3 = controlledProbe({ state: 'ok' });
    const watch = watchDependencies(
      { temporal: temporal.run, s3: s3.run },
      { ...manual, logger: log, now: () => clock },
    );
    try {
      await watch.checkNow();
      // A healthy first finding is no news.
      expect(log.lines).toEqual([]);

      clock = t0 + 10_000;
      temporal.answer({ state: 'unreachable', reason: 'UNAVAILABLE' });
      for (let round = 0; round < 3; round++) {
        await watch.checkNow();
        clock += 10_000;
      }
      expect(log.lines).toEqual([
        {
          level: 'warn',
          message: 'Readiness: temporal unreachable (UNAVAILABLE); /readyz answers 503 until it is ok',
          meta: { check: 'temporal', state: 'unreachable', previousState: 'ok', reason: 'UNAVAILABLE' },
        },
      ]);
      const down = await healthResponse('GET', '/readyz', watch.readiness);
      expect(down).toMatchObject({
        status: 503,
        body: { status: 'not_ready', temporal: 'unreachable', temporalSince: iso(t0 + 10_000), s3: 'ok' },
      });
      expect(JSON.stringify(down.body)).not.toContain('UNAVAILABLE');

      temporal.answer({ state: 'ok' });
      await watch.checkNow();
      expect(log.lines.slice(1)).toEqual([
        {
          level: 'info',
          message: 'Readiness: temporal ok again, after 30 s unreachable',
          meta: { check: 'temporal', state: 'ok', previousState: 'unreachable' },
        },
      ]);
      expect(await watch.readiness()).toMatchObject({ ready: true, temporalSince: iso(t0 + 40_000) });
    } finally {
      watch.stop();
    }
  });

  it('a probe that does not answer in time counts as unreachable, and is joined, not called again, while it hangs', async () => {
    const log = recorder();
    const temporal = controlledProbe({ state: 'ok' });
    temporal.hold();
    const watch = watchDependencies({ temporal: temporal.run }, { intervalMs: 3_600_000, timeoutMs: 20, logger: log });
    try {
      await watch.checkNow();
      await watch.checkNow();
      expect(await watch.readiness()).toMatchObject({ ready: false, temporal: 'unreachable' });
      expect(log.lines).toMatchObject([{ meta: { reason: 'no answer within 0.02 s' } }]);
      expect(temporal.calls).toBe(1);
      temporal.release();
      await watch.checkNow();
      expect(await watch.readiness()).toMatchObject({ ready: true, temporal: 'ok' });
      expect(temporal.calls).toBeLessThanOrEqual(2);
    } finally {
      watch.stop();
    }
  });

  it('a probe that throws counts as error; its message stays out of the body and the log', async () => {
    const log = recorder();
    const failing: DependencyProbe = () => Promise.reject(new TypeError('https://key:secret@s3.example/bucket'));
    const watch = watchDependencies({ s3: failing }, { ...manual, logger: log });
    try {
      await watch.checkNow();
      const answer = await healthResponse('GET', '/readyz', watch.readiness);
      expect(answer).toMatchObject({ status: 503, body: { s3: 'error' } });
      expect(log.lines).toMatchObject([{ level: 'warn', message: expect.stringContaining('s3 error (TypeError)') }]);
      expect(JSON.stringify([answer, log.lines])).not.toContain('secret');
    } finally {
      watch.stop();
    }
  });

  it('combined with the worker state: ready only when the worker runs and every dependency is usable', async () => {
    const deps = (state: ProbeResult['state']) => () => ({ ready: state === 'ok', temporal: state });
    const answer = (worker: State, temporal: ProbeResult['state']) =>
      healthResponse('GET', '/readyz', allReadiness(workerIn(worker), deps(temporal)));
    expect(await answer('RUNNING', 'ok')).toEqual({
      status: 200,
      body: { status: 'ready', state: 'RUNNING', temporal: 'ok' },
    });
    expect(await answer('RUNNING', 'unreachable')).toEqual({
      status: 503,
      body: { status: 'not_ready', state: 'RUNNING', temporal: 'unreachable' },
    });
    expect((await answer('DRAINING', 'ok')).status).toBe(503);
  });
});

describe('the dependency probes', () => {
  const s3Failing = (err: unknown) => ({ send: () => Promise.reject(err) }) as unknown as S3Client;
  const withStatus = (name: string, status: number) =>
    Object.assign(new Error('an S3 message naming the bucket'), { name, $metadata: { httpStatusCode: status } });

  it('S3: HeadBucket failures by status and code, never by message', async () => {
    const cases: [unknown, ProbeResult][] = [
      [withStatus('NotFound', 404), { state: 'missing', reason: 'HTTP 404' }],
      [withStatus('Forbidden', 403), { state: 'forbidden', reason: 'HTTP 403' }],
      [withStatus('Unauthorized', 401), { state: 'forbidden', reason: 'HTTP 401' }],
      [
        Object.assign(new Error('no creds'), { name: 'CredentialsProviderError' }),
        { state: 'forbidden', reason: 'no credentials' },
      ],
      [withStatus('InternalError', 500), { state: 'error', reason: 'HTTP 500' }],
      [
        Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:9000'), { code: 'ECONNREFUSED' }),
        { state: 'unreachable', reason: 'ECONNREFUSED' },
      ],
      [
        Object.assign(new Error('aborted'), { name: 'AbortError' }),
        { state: 'unreachable', reason: 'no answer within 2 s' },
      ],
    ];
    for (const [err, expected] of cases) {
      expect(await storageProbe(s3Failing(err), 'bucket')(2_000), String(err)).toEqual(expected);
    }
    const answering = { send: () => Promise.resolve({}) } as unknown as S3Client;
    expect(await storageProbe(answering, 'bucket')(2_000)).toEqual({ state: 'ok' });
  });

  it('Temporal: GetSystemInfo within the deadline; refused credentials apart from an unreachable server', async () => {
    const grpcError = (code: number) =>
      Object.assign(new Error('14 UNAVAILABLE: tcp connect error'), { code, details: 'x', metadata: {} });
    const connection = (getSystemInfo: () => Promise<unknown>) => {
      const deadlines: number[] = [];
      return {
        deadlines,
        workflowService: { getSystemInfo },
        withDeadline: <T>(deadline: number | Date, fn: () => Promise<T>) => {
          deadlines.push(Number(deadline));
          return fn();
        },
      };
    };
    const up = connection(() => Promise.resolve({}));
    const before = Date.now();
    expect(await temporalProbe(up as never)(3_000)).toEqual({ state: 'ok' });
    expect(up.deadlines[0]).toBeGreaterThanOrEqual(before + 3_000);
    expect(await temporalProbe(connection(() => Promise.reject(grpcError(14))) as never)(3_000)).toEqual({
      state: 'unreachable',
      reason: 'UNAVAILABLE',
    });
    expect(await temporalProbe(connection(() => Promise.reject(grpcError(4))) as never)(3_000)).toEqual({
      state: 'unreachable',
      reason: 'DEADLINE_EXCEEDED',
    });
    expect(await temporalProbe(connection(() => Promise.reject(grpcError(16))) as never)(3_000)).toEqual({
      state: 'forbidden',
      reason: 'UNAUTHENTICATED',
    });
  });

  it('S3_STARTUP_CHECK=false leaves S3 out of readiness, as it leaves out the start check', () => {
    const s3 = new S3Client({ region: 'us-east-1' });
    try {
      const connection = { workflowService: {}, withDeadline: () => Promise.resolve() } as never;
      expect(workerDependencyProbes(loadWorkerEnv({ S3_STARTUP_CHECK: 'false' }), connection, s3).s3).toBe(
        skippedProbe,
      );
      expect(workerDependencyProbes(loadWorkerEnv({}), connection, s3).s3).not.toBe(skippedProbe);
    } finally {
      s3.destroy();
    }
  });

  it('WORKER_READINESS_INTERVAL_SEC: 10 s unless set, whole seconds from 1', () => {
    expect(loadWorkerEnv({}).WORKER_READINESS_INTERVAL_SEC).toBe(10);
    expect(loadWorkerEnv({ WORKER_READINESS_INTERVAL_SEC: '2' }).WORKER_READINESS_INTERVAL_SEC).toBe(2);
    for (const value of ['0', '1.5', 'soon']) {
      expect(() => loadWorkerEnv({ WORKER_READINESS_INTERVAL_SEC: value }), value).toThrow(
        /WORKER_READINESS_INTERVAL_SEC/,
      );
    }
  });
});

describe('scene-video health: where it asks', () => {
  it('reads WORKER_HEALTH_PORT as the worker does', () => {
    for (const value of [undefined, '', '  ', '8080', ' 8080 ', '1', '65535', '1e3']) {
      expect(healthPortFrom(value), JSON.stringify(value)).toBe(
        loadWorkerEnv(value === undefined ? {} : { WORKER_HEALTH_PORT: value }).WORKER_HEALTH_PORT,
      );
    }
    for (const value of ['0', '65536', '80.5', 'http', '-1']) {
      expect(() => healthPortFrom(value), value).toThrow(/WORKER_HEALTH_PORT must be a port number/);
      expect(() => loadWorkerEnv({ WORKER_HEALTH_PORT: value }), value).toThrow(/WORKER_HEALTH_PORT/);
    }
  });

  it('asks loopback when the worker listens on every address, else the address it names', () => {
    expect(readinessUrl({ WORKER_HEALTH_PORT: '8080' })).toBe('http://127.0.0.1:8080/readyz');
    expect(readinessUrl({ WORKER_HEALTH_PORT: '8080', WORKER_HEALTH_HOST: '0.0.0.0' })).toBe(
      'http://127.0.0.1:8080/readyz',
    );
    expect(readinessUrl({ WORKER_HEALTH_PORT: '8080', WORKER_HEALTH_HOST: '::' })).toBe('http://127.0.0.1:8080/readyz');
    expect(readinessUrl({ WORKER_HEALTH_PORT: '9000', WORKER_HEALTH_HOST: '10.1.2.3' })).toBe(
      'http://10.1.2.3:9000/readyz',
    );
    expect(readinessUrl({ WORKER_HEALTH_PORT: '9000', WORKER_HEALTH_HOST: '::1' })).toBe('http://[::1]:9000/readyz');
  });

  it('without a port it fails with exit 1 (Docker reserves 2 in a HEALTHCHECK) and says what to set', () => {
    expect(() => readinessUrl({})).toThrow(/WORKER_HEALTH_PORT is not set/);
    try {
      readinessUrl({});
    } catch (err) {
      expect(err).toMatchObject({ exitCode: 1, hint: expect.stringMatching(/--url/) });
    }
  });

  it('the worker listens on loopback unless told otherwise', () => {
    expect(loadWorkerEnv({}).WORKER_HEALTH_HOST).toBe('127.0.0.1');
    expect(loadWorkerEnv({ WORKER_HEALTH_HOST: ' 0.0.0.0 ' }).WORKER_HEALTH_HOST).toBe('0.0.0.0');
  });
});
