import { devNull } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../dev/sandbox';
import { workerEnv, workerStackOf } from '../../dev/harness/worker-env';
import type { Stack } from '../../dev/stack/stack';

const s3 = {
  endpoint: 'http://127.0.0.1:7070',
  region: 'us-east-1',
  bucket: 'scene-videos',
  accessKeyId: 'local0001',
  secretAccessKey: 'secret',
  forcePathStyle: true as const,
};
const stack = { temporalAddress: '127.0.0.1:7233', namespace: 'default', s3 };
const sandbox = {
  origin: 'http://127.0.0.1:4000',
  piapiBaseUrl: 'http://127.0.0.1:4000',
  runwayBaseUrl: 'http://127.0.0.1:4000',
  apiKeys: { piapi: 'pk', runway: 'key_rk' },
} as Sandbox;

describe('a worker process environment', () => {
  it('points at the stack and the sandbox, and passes on nothing of the parent but PATH and HOME, no profile', () => {
    const env = workerEnv(stack, sandbox, { taskQueue: 'q', s3Prefix: 'chaos/1', providers: ['piapi'] });
    expect(env).toEqual({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_CONFIG_FILE: devNull,
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'q',
      PIAPI_BASE_URL: 'http://127.0.0.1:4000',
      PIAPI_API_KEY: 'pk',
      SANDBOX_ORIGIN: 'http://127.0.0.1:4000',
      S3_BUCKET: 'scene-videos',
      S3_PREFIX: 'chaos/1',
      S3_ENDPOINT: 'http://127.0.0.1:7070',
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: 'local0001',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
    });
  });

  it('configures both provider APIs unless told otherwise', () => {
    const env = workerEnv(stack, sandbox);
    expect([env.PIAPI_API_KEY, env.RUNWAY_API_KEY, env.RUNWAY_BASE_URL]).toEqual(['pk', 'key_rk', sandbox.origin]);
    expect(env).not.toHaveProperty('TEMPORAL_TASK_QUEUE');
  });

  it('takes a started stack by its endpoints', () => {
    const started = { temporal: { address: '127.0.0.1:7233', namespace: 'default' }, s3 } as unknown as Stack;
    expect(workerStackOf(started)).toEqual(stack);
  });
});
