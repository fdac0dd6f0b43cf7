import type { State } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { healthPortFrom, readinessUrl } from '../../src/cli/commands/health';
import { loadWorkerEnv } from '../../src/config/environment';
import { healthResponse, workerReadiness, type ReadinessCheck } from '../../src/worker/health-server';

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
