import { runInNewContext } from 'node:vm';
import { LogTimestamp, type LogLevel } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { createWorkerLogger, logProcessWarnings, workerLines } from '../../src/worker/logger';
import { ProviderError } from '../../src/providers/types';

const apiKey = 'sk-live-0123456789abcdef';
const s3Secret = 'wJalrXUtnFEMI/K7MDENG"bPxRfiCYEXAMPLEKEY';

/** A logger writing into an array, and its lines parsed. */
function capture(format: 'json' | 'text' = 'json', level: LogLevel = 'TRACE') {
  const lines: string[] = [];
  const logger = createWorkerLogger({
    format,
    level,
    secrets: [apiKey, s3Secret, undefined, 'ab'],
    write: (l) => lines.push(l),
  });
  const records = () =>
    lines.map((line) => {
      expect(line.endsWith('\n') && line.indexOf('\n') === line.length - 1).toBe(true);
      return JSON.parse(line) as Record<string, unknown>;
    });
  return { logger, lines, records };
}

const at = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

describe('worker logger, json', () => {
  it('leads each line with time, level, message and the context fields, then the other meta', () => {
    const { logger, records } = capture();
    logger.info('Trying Runway Gen-4.5…', {
      [LogTimestamp]: at('2026-03-01T12:00:00.123Z'),
      sdkComponent: 'workflow',
      namespace: 'default',
      taskQueue: 'scene-video',
      workflowId: 'scene-hook',
      runId: 'r-1',
      workflowType: 'generateSceneVideo',
      sceneId: 'hook',
      projectId: 'acme',
      provider: 'runway',
      attempt: 1,
    });
    const [line] = records();
    expect(line).toEqual({
      time: '2026-03-01T12:00:00.123Z',
      level: 'INFO',
      message: 'Trying Runway Gen-4.5…',
      workflowId: 'scene-hook',
      runId: 'r-1',
      workflowType: 'generateSceneVideo',
      sceneId: 'hook',
      projectId: 'acme',
      provider: 'runway',
      attempt: 1,
      taskQueue: 'scene-video',
      namespace: 'default',
      sdkComponent: 'workflow',
    });
    expect(Object.keys(line!).slice(0, 5)).toEqual(['time', 'level', 'message', 'workflowId', 'runId']);
  });

  it("names an activity's SDK retry count activityAttempt and its workflowRunId runId, and leaves out its task token", () => {
    const { logger, records } = capture();
    logger.warn('Activity failed', {
      taskToken: 'CiQ4ZTQ2YjZkMi1hY3Rpdml0eS10b2tlbg==',
      isLocal: false,
      attempt: 2,
      activityId: '5',
      activityType: 'createTask',
      workflowId: 'scene-hook',
      workflowRunId: 'r-1',
      provider: 'runway',
    });
    const [line] = records();
    expect(line).toMatchObject({ activityAttempt: 2, runId: 'r-1', activityType: 'createTask', provider: 'runway' });
    expect(line).not.toHaveProperty('attempt');
    expect(line).not.toHaveProperty('workflowRunId');
    expect(JSON.stringify(line)).not.toContain('CiQ4ZTQ2YjZkMi1hY3Rpdml0eS10b2tlbg');
    expect(typeof line!.time).toBe('string');
  });

  it('writes errors as name, message, known fields, a few frames and their causes, never their other properties', () => {
    const { logger, lines, records } = capture();
    const socket = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const err = new ProviderError('server', `Runway POST /v1/image_to_video: HTTP 500`, {
      httpStatus: 500,
      cause: socket,
    });
    Object.assign(err, { request: { headers: { Authorization: `Bearer ${apiKey}` } } });
    const deep = (n: number): Error =>
      n === 0 ? new Error('bottom') : new Error(`level ${n}`, { cause: deep(n - 1) });
    logger.warn('Activity failed', { error: err, other: deep(8) });
    const [line] = records();
    const error = line!.error as Record<string, unknown>;
    expect(error).toMatchObject({
      name: 'ProviderError',
      message: 'Runway POST /v1/image_to_video: HTTP 500',
      kind: 'server',
      httpStatus: 500,
      cause: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' },
    });
    expect(Object.keys(error).sort()).toEqual(['cause', 'httpStatus', 'kind', 'message', 'name', 'stack']);
    expect((error.stack as string).split('\n').length).toBeLessThanOrEqual(10);
    expect(error.stack).toMatch(/^at /);
    expect(JSON.stringify(line!.other)).toContain('"cause":"[cause]"');
    expect(lines.join('')).not.toContain(apiKey);
  });

  it('recognises errors made in another realm (the workflow sandbox)', () => {
    const { logger, records } = capture();
    const foreign: unknown = runInNewContext('new TypeError("from the sandbox")');
    expect(foreign instanceof Error).toBe(false);
    logger.warn('Workflow failed', { error: foreign });
    expect(records()[0]!.error).toMatchObject({ name: 'TypeError', message: 'from the sandbox' });
  });

  it('survives circular meta, circular causes, bigints and values JSON has no form for', () => {
    const { logger, records } = capture();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    loop.list = [loop, 1];
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    const shared = { x: 1 };
    logger.info('odd meta', {
      loop,
      chain: b,
      nanos: 12345678901234567890n,
      nothing: undefined,
      fn: () => 1,
      nan: Number.NaN,
      when: new Date('2026-01-02T03:04:05Z'),
      bytes: Buffer.from('abc'),
      twice: [shared, shared],
      map: new Map([['k', 1n]]),
    });
    const [line] = records();
    expect(line).toMatchObject({
      loop: { name: 'loop', self: '[Circular]', list: ['[Circular]', 1] },
      chain: { message: 'b', cause: { message: 'a', cause: '[Circular]' } },
      nanos: '12345678901234567890',
      nan: 'NaN',
      when: '2026-01-02T03:04:05.000Z',
      bytes: '[3 bytes]',
      twice: [{ x: 1 }, { x: 1 }],
      map: { k: '1' },
    });
    expect(line).not.toHaveProperty('nothing');
    expect(line).not.toHaveProperty('fn');
  });

  it('cuts long strings, long arrays and deep objects', () => {
    const { logger, records } = capture();
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    logger.info('x'.repeat(100), { body: 'y'.repeat(20_000), items: Array.from({ length: 150 }, (_, i) => i), deep });
    const [line] = records();
    expect((line!.body as string).length).toBeLessThan(8_300);
    expect(line!.body).toMatch(/…\[11808 more chars\]$/);
    expect(line!.items).toHaveLength(101);
    expect((line!.items as unknown[])[100]).toBe('[50 more]');
    expect(JSON.stringify(line!.deep)).toContain('"[Object]"');
  });

  it('cuts a long message as it cuts any string: a provider failure quoted in it cannot make a line of megabytes', () => {
    for (const format of ['json', 'text'] as const) {
      const { logger, lines } = capture(format);
      logger.warn(`✗ Kling failed: ${'z'.repeat(1_000_000)}`);
      expect(lines[0]!.length, format).toBeLessThan(8_500);
      expect(lines[0], format).toContain('more chars]');
    }
  });

  it('masks a secret that holds another whole, not only the shorter one', () => {
    const short = 'tk-0123456789';
    const long = `${short}-tail-of-the-longer-secret`;
    const lines: string[] = [];
    const logger = createWorkerLogger({
      format: 'json',
      level: 'INFO',
      secrets: [short, long],
      write: (l) => lines.push(l),
    });
    logger.info(`auth ${long}`);
    expect(lines.join('')).not.toContain('tail-of-the-longer-secret');
    expect(JSON.parse(lines[0]!)).toMatchObject({ message: 'auth [redacted]' });
  });

  it('keeps meta from overwriting time, level and message', () => {
    const { logger, records } = capture();
    logger.info('the message', { message: 'meta message', level: 'meta level', time: 3 });
    expect(records()[0]).toMatchObject({
      message: 'the message',
      level: 'INFO',
      meta_message: 'meta message',
      meta_level: 'meta level',
      meta_time: 3,
    });
  });

  it('masks the secrets wherever they appear, JSON escaping included; short values are not masked', () => {
    const { logger, lines, records } = capture();
    logger.error(`create failed with key ${apiKey}`, {
      [apiKey]: 'as a key',
      headers: { authorization: `Bearer ${apiKey}`, secret: s3Secret },
      error: new Error(`signature mismatch for ${s3Secret}`),
      short: 'ab',
    });
    const text = lines.join('');
    expect(text).not.toContain(apiKey);
    expect(text).not.toContain(s3Secret);
    expect(text).not.toContain(JSON.stringify(s3Secret).slice(1, -1));
    const [line] = records();
    expect(line).toMatchObject({
      message: 'create failed with key [redacted]',
      '[redacted]': 'as a key',
      headers: { authorization: 'Bearer [redacted]', secret: '[redacted]' },
      error: { message: 'signature mismatch for [redacted]' },
      short: 'ab',
    });
  });

  it('writes only the levels at and above LOG_LEVEL', () => {
    const { logger, records } = capture('json', 'WARN');
    logger.trace('t');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    logger.log('INFO', 'i2');
    expect(records().map((r) => [r.level, r.message])).toEqual([
      ['WARN', 'w'],
      ['ERROR', 'e'],
    ]);
  });

  it("writes the worker's own lines as JSON lines too", () => {
    const { logger, records } = capture();
    const lines = workerLines('json', logger);
    lines.info('scene-video worker on 127.0.0.1:7233 namespace default');
    lines.warn('Search attributes of namespace default not checked');
    expect(records().map((r) => [r.level, r.message])).toEqual([
      ['INFO', 'scene-video worker on 127.0.0.1:7233 namespace default'],
      ['WARN', 'Search attributes of namespace default not checked'],
    ]);
  });

  it("writes Node's process warnings as lines instead of Node's stderr text", async () => {
    const { logger, records } = capture();
    const listeners = process.listeners('warning');
    try {
      logProcessWarnings(logger);
      process.emitWarning('this API is old', 'DeprecationWarning');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.removeAllListeners('warning');
      for (const listener of listeners) process.on('warning', listener);
    }
    expect(records().map((r) => [r.level, r.message])).toEqual([['WARN', 'DeprecationWarning: this API is old']]);
  });
});

describe('worker logger, text', () => {
  it("keeps the SDK's look, one line each, masked, meta after the message", () => {
    const { logger, lines } = capture('text', 'INFO');
    logger.debug('hidden');
    logger.info('Worker state changed', { [LogTimestamp]: at('2026-03-01T12:00:00Z'), state: 'RUNNING' });
    logger.warn(`refused ${apiKey}`);
    expect(lines).toEqual([
      "2026-03-01T12:00:00.000Z [INFO] Worker state changed { state: 'RUNNING' }\n",
      expect.stringMatching(/^\S+Z \[WARN\] refused \[redacted\]\n$/),
    ]);
  });
});
