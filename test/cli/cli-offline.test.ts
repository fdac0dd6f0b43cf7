import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonSchemas } from '../../src/cli/json-schemas';
import { defaultCatalogue } from '../../src/config/catalogue';
import { jsonOf, runCli } from './run-cli';

/** An address nothing listens on, so any command that needed Temporal would fail. */
let noServer: NodeJS.ProcessEnv;
beforeAll(async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  noServer = { TEMPORAL_ADDRESS: `127.0.0.1:${port}` };
});

describe('scene-video CLI without a server', () => {
  it.each(Object.entries(jsonSchemas))('the committed %s schema is the one generated from the zod schema', (_, s) => {
    const committed: unknown = JSON.parse(readFileSync(join(__dirname, '..', '..', s.path), 'utf8'));
    expect(committed).toEqual(s.generate());
  });

  it('schema prints the project JSON Schema, which describes the scene fields', async () => {
    const run = await runCli(['schema'], noServer);
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout);
    expect(schema).toEqual(jsonSchemas.project.generate());
    expect(schema.required).toEqual(['projectId', 'scenes']);
    expect(schema.properties.scenes.items.properties.aspectRatio.enum).toEqual(['16:9', '9:16', '1:1']);
  });

  it('schema --manifest prints the project manifest JSON Schema', async () => {
    const run = await runCli(['schema', '--manifest'], noServer);
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout);
    expect(schema).toEqual(jsonSchemas.manifest.generate());
    expect(schema.properties.scenes.items.required).toEqual(
      expect.arrayContaining(['sceneId', 'phase', 'attempts', 'costUsd']),
    );
  });

  it("rank shows the worker's plan: scores and reasons best first, each provider's duration and estimate", async () => {
    const run = await runCli(
      [
        'rank',
        '--scene-type',
        'testimonial',
        '--prompt',
        'A woman smiling at the camera',
        '--configured',
        'runway,kling,luma',
        '--json',
      ],
      noServer,
    );
    expect(run.code).toBe(0);
    const doc = jsonOf(run);
    expect(doc).toMatchObject({ sceneType: 'testimonial', durationSec: 5, aspectRatio: '16:9', skipped: [] });
    expect(doc.ranking.map((r: { provider: string }) => r.provider)).toEqual(['kling', 'runway', 'luma']);
    expect(doc.ranking[0]).toEqual({
      provider: 'kling',
      score: 170,
      reasons: ['base 90 (priority 1)', '+50 strength "testimonial"', '+30 prompt mentions "woman", "smiling"'],
    });
    expect(doc.order).toEqual([
      { provider: 'kling', durationSec: 5, estimateUsd: 0.2 },
      { provider: 'runway', durationSec: 5, estimateUsd: 0.6 },
      { provider: 'luma', durationSec: 5, estimateUsd: 0.2 },
    ]);

    const human = await runCli(['rank', '--scene-type', 'hook', '--prompt', 'Cinematic sunrise'], noServer);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^#\s+PROVIDER\s+SCORE \(points\)\s+DURATION \(s\)\s+ESTIMATE \(USD\)\s+REASONS$/m);
    expect(human.stdout).toMatch(
      /^1\s+runway\s+170\s+5\s+0\.6000\s+base 90 \(priority 1\); \+50 strength "hook"; \+30 prompt mentions "cinematic"$/m,
    );
    expect(human.stdout.trim().split('\n')).toHaveLength(2 + defaultCatalogue.length);
  });

  it('rank applies the aspect-ratio skip and the preferred provider, as the worker plans', async () => {
    const run = await runCli(
      ['rank', '--scene-type', 'hook', '--prompt', 'Cinematic sunrise', '--aspect', '1:1', '--duration', '8'],
      { ...noServer, SCENE_VIDEO_DISABLED_PROVIDERS: 'hunyuan' },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/for a hook scene of 8 s at 1:1:/);
    expect(run.stdout).toMatch(/^1\s+kling\s+90\s+5\s+0\.2000\s+base 90 \(priority 1\)$/m);
    expect(run.stdout).toMatch(/^–\s+runway\s+170\s+base 90 .*; skipped: cannot render 1:1$/m);

    const preferred = await runCli(
      ['rank', '--scene-type', 'hook', '--prompt', 'x', '--preferred', 'hunyuan', '--allowed', 'veo,hunyuan', '--json'],
      noServer,
    );
    expect(preferred.code, preferred.stderr).toBe(0);
    expect(jsonOf(preferred)).toMatchObject({
      preferredProvider: 'hunyuan',
      allowedProviders: ['veo', 'hunyuan'],
      order: [
        { provider: 'hunyuan', durationSec: 5, estimateUsd: 0.09 },
        { provider: 'veo', durationSec: 8, estimateUsd: 0.48 },
      ],
      skipped: [],
    });
  });

  it('rank exits 1 with the failure the worker would give a scene it cannot plan, 2 for bad flags', async () => {
    const [unplannable, badDuration, unknownPreferred] = await Promise.all([
      runCli(
        ['rank', '--scene-type', 'hook', '--prompt', 'x', '--aspect', '1:1', '--configured', 'runway', '--json'],
        noServer,
      ),
      runCli(['rank', '--scene-type', 'hook', '--prompt', 'x', '--duration', '0'], noServer),
      runCli(['rank', '--scene-type', 'hook', '--prompt', 'x', '--preferred', 'sora'], noServer),
    ]);
    expect(unplannable.code).toBe(1);
    expect(jsonOf(unplannable).error.message).toBe(
      'the worker would fail this scene (ProviderNotConfigured): cannot plan providers: no configured provider can render aspect ratio 1:1',
    );
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toMatch(/^error: invalid scene: --duration: must be greater than 0$/m);
    expect(unknownPreferred.code).toBe(2);
    expect(unknownPreferred.stderr).toMatch(/--preferred: unknown provider "sora" \(known: runway, kling/);
  });

  it('rank rejects an unknown provider in --configured with exit 2', async () => {
    const run = await runCli(
      ['rank', '--scene-type', 'hook', '--prompt', 'x', '--configured', 'runway,sora'],
      noServer,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--configured names unknown providers: sora/);
    expect(run.stdout).toBe('');
  });

  it('providers lists the catalogue with units, and configured from the env keys without printing them', async () => {
    const secret = 'piapi-secret-value-123';
    const run = await runCli(['providers', '--json'], {
      ...noServer,
      PIAPI_API_KEY: secret,
      SCENE_VIDEO_DISABLED_PROVIDERS: 'veo',
    });
    expect(run.code).toBe(0);
    const doc = jsonOf(run);
    expect(doc.disabled).toEqual(['veo']);
    expect(doc.providers.map((p: { key: string }) => p.key)).toEqual(['runway', 'kling', 'luma', 'hailuo', 'hunyuan']);
    expect(doc.providers.find((p: { key: string }) => p.key === 'kling')).toMatchObject({
      route: 'piapi',
      configured: true,
      costPerSecondUsd: 0.04,
      maxCostPerSecondUsd: 0.04,
      maxDurationSec: 10,
      aspectRatios: ['16:9', '9:16', '1:1'],
      billing: 'success_only',
    });
    expect(doc.providers.find((p: { key: string }) => p.key === 'runway')).toMatchObject({
      configured: false,
      keyVariable: 'RUNWAY_API_KEY',
    });

    const human = await runCli(['providers'], { ...noServer, PIAPI_API_KEY: secret });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/COST \(USD\/s\)/);
    expect(human.stdout).toMatch(/MAX \(s\)/);
    expect(human.stdout).toMatch(/^runway\s+Runway Gen-4\.5\s+runway\s+no \(set RUNWAY_API_KEY\)\s+0\.1200\s+10\s/m);
    expect(human.stdout).toMatch(
      /^kling\s+Kling AI\s+piapi\s+yes\s+0\.0400\s+10\s+5,10\s+16:9 9:16 1:1\s+success_only/m,
    );
    expect(human.stdout + human.stderr).not.toContain(secret);
  });

  it('a bad catalogue override is a configuration error (exit 2) naming the variable', async () => {
    const run = await runCli(['providers'], { ...noServer, SCENE_VIDEO_DISABLED_PROVIDERS: 'sora' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/SCENE_VIDEO_DISABLED_PROVIDERS names unknown providers: sora/);
  });

  it('--help lists every command, each command has its own help, and usage errors exit 2', async () => {
    const [top, generate, unknown, badFlag, noSub] = await Promise.all([
      runCli(['--help'], noServer),
      runCli(['generate', '--help'], noServer),
      runCli(['render'], noServer),
      runCli(['status', 'x', '--bogus'], noServer),
      runCli(['history', '--json'], noServer),
    ]);
    expect(top.code).toBe(0);
    for (const command of [
      'worker',
      'generate',
      'project',
      'status',
      'cancel',
      'rank',
      'providers',
      'cost',
      'report',
      'history export',
      'schema',
      'health',
    ]) {
      expect(top.stdout).toMatch(new RegExp(`^  ${command}\\s{2,}\\S`, 'm'));
    }
    expect(top.stdout).toMatch(/130 interrupted/);
    expect(generate.code).toBe(0);
    expect(generate.stdout).toMatch(/--duration <seconds>\s+Clip length in seconds/);
    expect(generate.stdout).toMatch(/--aspect 16:9\|9:16\|1:1/);
    expect(generate.stdout).not.toMatch(/poll-interval/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "render"[\s\S]*scene-video --help/);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/Unknown option '--bogus'[\s\S]*scene-video status --help/);
    expect(noSub.code).toBe(2);
    expect(jsonOf(noSub).error).toMatchObject({
      code: 'invalid_input',
      exitCode: 2,
      message: expect.stringMatching(/history export/),
    });
  });

  it('report refuses a bad project id, expiry or S3 setting before connecting (exit 2), saying what is allowed', async () => {
    const [badId, badExpiry, badEndpoint, sceneId] = await Promise.all([
      runCli(['report', 'no such id'], noServer),
      runCli(['report', 'launch', '--expires', '604801'], noServer),
      runCli(['report', 'launch'], { ...noServer, S3_ENDPOINT: 'not a url' }),
      runCli(['report', 'scene-video:launch:hook-1'], noServer),
    ]);
    for (const run of [badId, badExpiry, badEndpoint, sceneId]) expect(run.code, run.stderr).toBe(2);
    expect(sceneId.stderr).toMatch(
      /"scene-video:launch:hook-1" is a scene's workflow id: report takes its project's id \(scene-video report launch\); for this scene's clip alone, scene-video url scene-video:launch:hook-1/,
    );
    expect(badId.stderr).toMatch(/the project id is 1–64 letters, digits, "\.", "_", "-", got "no such id"/);
    expect(badExpiry.stderr).toMatch(/--expires: .*from 1 to 604800 \(7 days/);
    expect(badEndpoint.stderr).toMatch(
      /Invalid S3 environment: S3_ENDPOINT[\s\S]*Set the S3 variables as the worker has them/,
    );
  });

  it('Temporal connection settings it cannot use exit 2 before connecting, saying what to fix', async () => {
    const [renamed, noProfile] = await Promise.all([
      runCli(['worker'], { ...noServer, TEMPORAL_TLS_CERT_PATH: '/etc/temporal/client.pem' }),
      runCli(['status', 'scene-video:_:x', '--json'], { ...noServer, TEMPORAL_PROFILE: 'prod' }),
    ]);
    expect(renamed.code).toBe(2);
    expect(renamed.stderr).toMatch(/TEMPORAL_TLS_CERT_PATH: was renamed TEMPORAL_TLS_CLIENT_CERT_PATH/);
    expect(noProfile.code).toBe(2);
    expect(jsonOf(noProfile).error.message).toMatch(/^TEMPORAL_PROFILE=prod names no profile in /);
  });

  it('tracing settings it cannot use exit 2 before connecting, the worker and the client alike', async () => {
    const grpc = {
      ...noServer,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    };
    const [worker, status] = await Promise.all([
      runCli(['worker'], grpc),
      runCli(['status', 'scene-video:_:x', '--json'], { ...noServer, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }),
    ]);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toMatch(
      /OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported: traces are sent over OTLP\/HTTP/,
    );
    expect(status.code).toBe(2);
    expect(jsonOf(status).error).toMatchObject({
      message: expect.stringMatching(/^Invalid tracing environment: OTEL_EXPORTER_OTLP_ENDPOINT: must be an http/),
      hint: expect.stringMatching(/scene-video --help/),
    });
  });

  it('an unreachable Temporal exits 1 and says how to start one', async () => {
    const run = await runCli(['status', 'scene-video:_:x', '--json'], noServer);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /Cannot connect to Temporal at 127\.0\.0\.1:\d+.*TEMPORAL_ADDRESS.*temporal server start-dev/,
    );
    expect(jsonOf(run).error.code).toBe('failed');
  });
});
