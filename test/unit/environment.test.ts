import { describe, expect, it } from 'vitest';
import { loadWebhookReceiverEnv, loadWorkerEnv, workerSecrets } from '../../src/config/environment';
import {
  activityDepsFromEnv,
  versionedWorkerOptions,
  workerDeploymentFromEnv,
  workerOptionsFor,
  workerTuningFromEnv,
} from '../../src/worker/create-worker';
import { defaultCatalogue } from '../../src/config/catalogue';

describe('worker environment', () => {
  it('defaults to the tuning B6 measured without a heartbeat timeout: 200 activity slots, the SDK cache', () => {
    const env = loadWorkerEnv({});
    expect(workerTuningFromEnv(env)).toEqual({ maxConcurrentActivityTaskExecutions: 200 });
    expect(workerOptionsFor(workerTuningFromEnv(env))).toEqual({
      maxHeartbeatThrottleInterval: '10 seconds',
      maxConcurrentActivityTaskExecutions: 200,
      shutdownGraceTime: '10 seconds',
    });
  });

  it('passes activity slots and the workflow cache size on to the SDK', () => {
    const env = loadWorkerEnv({ WORKER_MAX_CONCURRENT_ACTIVITIES: '400', WORKER_MAX_CACHED_WORKFLOWS: '250' });
    expect(workerOptionsFor(workerTuningFromEnv(env))).toMatchObject({
      maxConcurrentActivityTaskExecutions: 400,
      maxCachedWorkflows: 250,
    });
  });

  it('bounds downloads and provider replies by default, and passes the limits to the activities', () => {
    const defaults = activityDepsFromEnv(loadWorkerEnv({}), defaultCatalogue);
    expect(defaults.download).toMatchObject({ minBytesPerSec: 16 * 1024, throughputWindowMs: 60_000 });
    const env = loadWorkerEnv({
      DOWNLOAD_MIN_BYTES_PER_SEC: '0',
      DOWNLOAD_THROUGHPUT_WINDOW_SEC: '5',
      PROVIDER_MAX_REPLY_BYTES: '1048576',
    });
    expect(env.PROVIDER_MAX_REPLY_BYTES).toBe(1024 * 1024);
    expect(activityDepsFromEnv(env, defaultCatalogue).download).toMatchObject({
      minBytesPerSec: 0,
      throughputWindowMs: 5_000,
    });
  });

  it.each([
    ['DOWNLOAD_MIN_BYTES_PER_SEC', '-1'],
    ['DOWNLOAD_THROUGHPUT_WINDOW_SEC', '0'],
    ['PROVIDER_MAX_REPLY_BYTES', '1000'],
    ['WORKER_MAX_CONCURRENT_ACTIVITIES', '0'],
    ['WORKER_MAX_CONCURRENT_ACTIVITIES', 'many'],
    ['WORKER_MAX_CACHED_WORKFLOWS', '-1'],
    ['MAX_VIDEO_BYTES', '1.5'],
    ['S3_ENDPOINT', 'not a url'],
    ['WORKER_METRICS_ADDRESS', 'localhost:9464'],
    ['WORKER_METRICS_ADDRESS', '9464'],
    ['WORKER_METRICS_ADDRESS', '0.0.0.0:70000'],
    ['WORKER_METRICS_ADDRESS', '::1:9464'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadWorkerEnv({ [name]: value })).toThrow(new RegExp(`Invalid worker environment: .*${name}`));
  });

  it('takes the metrics address as the exporter binds it: an IP and a port, blank for none', () => {
    for (const address of ['0.0.0.0:9464', '127.0.0.1:1', '[::]:9464', '[::1]:65535'])
      expect(loadWorkerEnv({ WORKER_METRICS_ADDRESS: address }).WORKER_METRICS_ADDRESS).toBe(address);
    expect(loadWorkerEnv({ WORKER_METRICS_ADDRESS: ' ' }).WORKER_METRICS_ADDRESS).toBeUndefined();
    expect(() => loadWorkerEnv({ WORKER_METRICS_ADDRESS: 'localhost:9464' })).toThrow(/no host name such as localhost/);
  });

  it('turns webhooks on only with a public URL and a secret of 32 characters or more, never echoing the secret', () => {
    const secret = 'w'.repeat(40);
    const on = activityDepsFromEnv(
      loadWorkerEnv({ WEBHOOK_PUBLIC_URL: 'https://hooks.example.com', WEBHOOK_SECRET: secret }),
      defaultCatalogue,
    );
    expect(on.webhooks).toEqual({ publicUrl: 'https://hooks.example.com', secret, backstopMs: 60_000 });
    expect(activityDepsFromEnv(loadWorkerEnv({}), defaultCatalogue).webhooks).toBeUndefined();
    expect(() => loadWorkerEnv({ WEBHOOK_PUBLIC_URL: 'https://hooks.example.com' })).toThrow(
      /WEBHOOK_SECRET: must be set too, since WEBHOOK_PUBLIC_URL is/,
    );
    expect(() => loadWorkerEnv({ WEBHOOK_SECRET: secret })).toThrow(/WEBHOOK_PUBLIC_URL: must be set too/);
    expect(() => loadWorkerEnv({ WEBHOOK_PUBLIC_URL: 'hooks.example.com', WEBHOOK_SECRET: secret })).toThrow(
      /WEBHOOK_PUBLIC_URL: must be an http/,
    );
    const short = 'short-secret';
    let message = '';
    try {
      loadWorkerEnv({ WEBHOOK_PUBLIC_URL: 'https://hooks.example.com', WEBHOOK_SECRET: short });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/WEBHOOK_SECRET: must be at least 32 characters/);
    expect(message).not.toContain(short);
    // PiAPI sends it in a header: other characters arrive as bytes that never match it again.
    expect(() =>
      loadWorkerEnv({ WEBHOOK_PUBLIC_URL: 'https://hooks.example.com', WEBHOOK_SECRET: `${'€'.repeat(32)}` }),
    ).toThrow(/WEBHOOK_SECRET: must be printable ASCII/);
    // The token's path is appended to the URL: behind a query or fragment it would never reach the receiver.
    for (const url of ['https://hooks.example.com/?key=1', 'https://hooks.example.com/#hooks'])
      expect(() => loadWorkerEnv({ WEBHOOK_PUBLIC_URL: url, WEBHOOK_SECRET: secret })).toThrow(
        /WEBHOOK_PUBLIC_URL: must have no query or fragment/,
      );
    expect(loadWorkerEnv({ WEBHOOK_PUBLIC_URL: 'https://h.example/hooks/', WEBHOOK_SECRET: secret })).toMatchObject({
      WEBHOOK_PUBLIC_URL: 'https://h.example/hooks/',
    });
    expect(workerSecrets(loadWorkerEnv({ WEBHOOK_PUBLIC_URL: 'https://h.example', WEBHOOK_SECRET: secret }))).toContain(
      secret,
    );
  });

  it('never repeats a secret in its error', () => {
    const secret = 'sk-env-test-secret-0123456789';
    expect(() => loadWorkerEnv({ PIAPI_API_KEY: secret, PIAPI_BASE_URL: 'nope' })).toThrow(/PIAPI_BASE_URL/);
    try {
      loadWorkerEnv({ PIAPI_API_KEY: secret, PIAPI_BASE_URL: 'nope' });
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
    }
  });
});

describe('the webhook receiver on its own', () => {
  it('says what each missing variable is for', () => {
    expect(() => loadWebhookReceiverEnv({})).toThrow(
      "Invalid webhook receiver environment: WEBHOOK_SECRET: is required: the workers' WEBHOOK_SECRET, which PiAPI sends and which signs the tokens; WEBHOOK_PORT: is required: the port the receiver listens on, e.g. 8080",
    );
    expect(loadWebhookReceiverEnv({ WEBHOOK_SECRET: 'w'.repeat(32), WEBHOOK_PORT: '8080' })).toEqual({
      WEBHOOK_SECRET: 'w'.repeat(32),
      WEBHOOK_PORT: 8080,
      WEBHOOK_HOST: '127.0.0.1',
    });
  });
});

describe("the worker's secrets", () => {
  it("count the OTLP receiver's credentials: header values and the endpoint's user, password and query", () => {
    const secrets = workerSecrets(
      loadWorkerEnv({
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20otlp-token-0123,x-tenant=acme',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-api-key=traces-key-4567',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector-user:collector-pass@otel.example:4318?token=query-token-89',
      }),
    );
    for (const secret of ['Bearer otlp-token-0123', 'acme', 'traces-key-4567', 'collector-user', 'collector-pass'])
      expect(secrets).toContain(secret);
    expect(secrets).toContain('query-token-89');
  });
});

describe('Worker Versioning from the environment', () => {
  it('is off when neither variable is set, or both are blank', () => {
    expect(workerDeploymentFromEnv(loadWorkerEnv({}))).toBeUndefined();
    expect(
      workerDeploymentFromEnv(loadWorkerEnv({ TEMPORAL_DEPLOYMENT_NAME: ' ', TEMPORAL_WORKER_BUILD_ID: '' })),
    ).toBeUndefined();
  });

  it('versions the worker with the deployment and build the Worker Controller sets, trimmed', () => {
    const env = loadWorkerEnv({
      TEMPORAL_DEPLOYMENT_NAME: 'video/scene-video ',
      TEMPORAL_WORKER_BUILD_ID: ' 1.4.0-abc',
    });
    const version = workerDeploymentFromEnv(env);
    expect(version).toEqual({ deploymentName: 'video/scene-video', buildId: '1.4.0-abc' });
    expect(versionedWorkerOptions(version!)).toEqual({
      workerDeploymentOptions: { version, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' },
    });
  });

  it.each([
    [{ TEMPORAL_DEPLOYMENT_NAME: 'scene-video' }, 'TEMPORAL_WORKER_BUILD_ID', 'TEMPORAL_DEPLOYMENT_NAME'],
    [
      { TEMPORAL_WORKER_BUILD_ID: 'b1', TEMPORAL_DEPLOYMENT_NAME: '  ' },
      'TEMPORAL_DEPLOYMENT_NAME',
      'TEMPORAL_WORKER_BUILD_ID',
    ],
  ])('refuses only one of the two (%o), naming the other', (vars, missing, set) => {
    expect(() => loadWorkerEnv(vars)).toThrow(
      `Invalid worker environment: ${missing}: must be set too, since ${set} is: a versioned worker needs both; ` +
        `unset ${set} for an unversioned worker`,
    );
  });

  it.each(['scene.video', 'scene:video'])('refuses a deployment name the server refuses (%s)', (name) => {
    expect(() => loadWorkerEnv({ TEMPORAL_DEPLOYMENT_NAME: name, TEMPORAL_WORKER_BUILD_ID: 'b1' })).toThrow(
      /Invalid worker environment: TEMPORAL_DEPLOYMENT_NAME: must not contain '\.' or ':'/,
    );
  });
});
