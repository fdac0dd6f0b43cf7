import { describe, expect, it } from 'vitest';
import { loadClientEnv } from '../../src/client/connection';
import { loadWorkerEnv } from '../../src/config/environment';
import { otlpTracesUrl, printableUrl, startTracing } from '../../src/config/tracing';
import { startWorkerTracing } from '../../src/worker/tracing';

describe('OTLP traces endpoint from the environment', () => {
  it.each([
    [{}, undefined],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'http://collector:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'http://collector:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/otlp' }, 'https://otlp.example.com/otlp/v1/traces'],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://k:s@otlp.example.com/?tenant=a' },
      'https://k:s@otlp.example.com/v1/traces?tenant=a',
    ],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/custom' }, 'http://tempo:4318/custom'],
    [
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/t',
      },
      'http://tempo:4318/t',
    ],
  ])('%j → %s (the traces endpoint as is, the base one with /v1/traces)', (vars, url) => {
    expect(otlpTracesUrl(loadWorkerEnv(vars))).toBe(url);
  });

  it('names the worker and a client apart unless OTEL_SERVICE_NAME is set', () => {
    expect(loadWorkerEnv({}).OTEL_SERVICE_NAME).toBe('scene-video-worker');
    expect(loadClientEnv({ TEMPORAL_CONFIG_FILE: '/dev/null' }).tracing?.OTEL_SERVICE_NAME).toBe('scene-video-client');
    expect(loadWorkerEnv({ OTEL_SERVICE_NAME: ' videos ' }).OTEL_SERVICE_NAME).toBe('videos');
  });

  it.each([
    [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'localhost:4318',
      /must be an http:\/\/ or https:\/\/ URL, e\.g\. http:\/\/localhost:4318/,
    ],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'grpc://collector:4317', /must be an http:\/\/ or https:\/\/ URL/],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc', /grpc is not supported: traces are sent over OTLP\/HTTP .* \(4318 by/],
    ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'thrift', /OTEL_EXPORTER_OTLP_TRACES_PROTOCOL/],
  ])('refuses %s=%s in the worker and the client alike, naming the variable', (name, value, message) => {
    expect(() => loadWorkerEnv({ [name]: value })).toThrow(new RegExp(`Invalid worker environment: ${name}: `));
    expect(() => loadWorkerEnv({ [name]: value })).toThrow(message);
    expect(() => loadClientEnv({ TEMPORAL_CONFIG_FILE: '/dev/null', [name]: value })).toThrow(
      new RegExp(`Invalid tracing environment: ${name}: `),
    );
  });

  it('accepts the OTLP/HTTP protocols, whose receivers all take the JSON the exporter sends', () => {
    for (const protocol of ['http/json', 'http/protobuf']) {
      expect(loadWorkerEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol }).OTEL_EXPORTER_OTLP_PROTOCOL).toBe(protocol);
    }
  });

  it('prints an endpoint without the credentials or query a collector URL may carry', () => {
    expect(printableUrl('https://user:token@otlp.example.com:4318/v1/traces?key=secret')).toBe(
      'https://otlp.example.com:4318/v1/traces',
    );
  });

  it('starts nothing without an endpoint, and loads no OpenTelemetry SDK', () => {
    expect(startTracing(loadWorkerEnv({}))).toBeUndefined();
    expect(startWorkerTracing(loadWorkerEnv({}))).toBeUndefined();
    const loaded = Object.keys(require.cache).filter((m) =>
      /@opentelemetry\/(sdk-trace-|exporter-)|interceptors-opentelemetry/.test(m),
    );
    expect(loaded).toEqual([]);
  });
});
