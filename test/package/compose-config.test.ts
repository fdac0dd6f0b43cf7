import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardFile } from '../../dev/dashboard/dashboard';
import { resolveTool } from '../../dev/stack/provision';
import { cliSearchAttribute } from '../../dev/stack/temporal-dev-server';
import { tools } from '../../dev/stack/tool-versions';
import { allSearchAttributeKeys } from '../../src/contract/search-attributes';
import { all, execForm, flags, keyValues, last, parseDockerfile, stage } from './dockerfile';

/**
 * The compose files as a real Compose implementation reads them (Docker Compose, pinned in dev/stack/tool-versions.ts):
 * `config` must pass with no error and no warning, and the model it resolves (its JSON output, not our reading of the
 * YAML) must keep compose.yaml's promises. No container starts: no container engine runs here.
 */

const root = join(__dirname, '..', '..');
const production = 'compose.yaml';
const devServer = 'docker-compose.temporal.yml';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[] | null;
  environment?: Record<string, string | null>;
  init?: boolean;
  deploy?: { replicas?: number };
  stop_grace_period?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: { host_ip?: string; published: string; target: number }[];
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  expose?: string[];
}
interface Model {
  services: Record<string, Service>;
}

/** In .env.example, `NAME=` lines are values to fill in, `# NAME=default` lines defaults to change if need be. */
const envExample = readFileSync(join(root, '.env.example'), 'utf8');
const blankInExample = [...envExample.matchAll(/^([A-Z0-9_]+)=$/gm)].map((m) => m[1]!);
const defaultedInExample = [...envExample.matchAll(/^# ([A-Z0-9_]+)=/gm)].map((m) => m[1]!);
const sentinel = (name: string) => `dummy-${name}`;

let compose: string;
let scratch: string;
let blankEnv: string;
let filledEnv: string;

beforeAll(async () => {
  // Built by `npm run provision` (about 2 min the first time), else here.
  compose = await resolveTool('compose', (line) => console.log(`[compose-config] ${line}`));
  scratch = mkdtempSync(join(tmpdir(), 'compose-config-'));
  blankEnv = join(scratch, 'blank.env');
  filledEnv = join(scratch, 'filled.env');
  writeFileSync(blankEnv, envExample);
  writeFileSync(
    filledEnv,
    envExample.replace(/^([A-Z0-9_]+)=$/gm, (_, name: string) => `${name}=${sentinel(name)}`),
  );
}, 600_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/**
 * Only PATH and an empty HOME: variables exported in this shell (a real provider key, say) would otherwise win over
 * the env file, and would be printed in a failure message.
 */
function runCompose(file: string, envFile: string | undefined, ...args: string[]) {
  const envFileArgs = envFile ? ['--env-file', envFile] : [];
  const result = spawnSync(compose, ['-f', file, ...envFileArgs, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: scratch },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The variables compose.yaml reads, as Compose lists them. */
function variables(): { Name: string; Required: boolean }[] {
  const { code, stdout, stderr } = runCompose(production, filledEnv, 'config', '--variables', '--format', 'json');
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return Object.values(JSON.parse(stdout) as Record<string, { Name: string; Required: boolean }>);
}

function model(): Model {
  const { code, stdout, stderr } = runCompose(production, filledEnv, 'config', '--format', 'json');
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout) as Model;
}

describe('compose files, read by Docker Compose', () => {
  it('is the pinned version', () => {
    const { stdout } = spawnSync(compose, ['version', '--short'], { encoding: 'utf8' });
    expect(`v${stdout.trim().replace(/^v/, '')}`).toBe(tools.compose.version);
  });

  it.each([
    [production, 'with .env.example filled in'],
    [devServer, 'with no env file'],
  ])('%s passes `config --quiet` %s, with no warning', (file) => {
    const result = runCompose(file, file === production ? filledEnv : undefined, 'config', '--quiet');
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('stops on a .env left blank, naming each required value and where to set it', () => {
    const required = variables().filter((v) => v.Required);
    expect(required.length).toBeGreaterThan(0);
    const { code, stderr } = runCompose(production, blankEnv, 'config', '--quiet');
    expect(code).not.toBe(0);
    for (const { Name: name } of required) {
      expect(stderr).toContain(`required variable ${name} is missing a value: set ${name} in .env (see .env.example)`);
    }
  });

  it('reads no variable .env.example leaves out, and .env.example names none it does not read', () => {
    const read = variables();
    expect(new Set(read.map((v) => v.Name))).toEqual(new Set([...blankInExample, ...defaultedInExample]));
    // A required value is a blank line to fill in, never a commented-out default.
    expect(read.filter((v) => v.Required && !blankInExample.includes(v.Name))).toEqual([]);
  });

  it('runs the worker from this repository: 2+ replicas, tini, 30 s to drain, the image health check, after setup', () => {
    const worker = model().services.worker!;
    expect(worker.build).toEqual({ context: root, dockerfile: 'Dockerfile' });
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(worker.init).toBe(true);
    expect(worker.stop_grace_period).toBe('30s');
    const runtime = stage(parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8')), 'runtime');
    const imageCheck = execForm(flags(last(runtime, 'HEALTHCHECK').args).rest.replace(/^CMD\s+/, ''));
    expect(worker.healthcheck?.test).toEqual(['CMD', ...imageCheck]);
    expect(worker.depends_on).toMatchObject({
      'temporal-namespace': { condition: 'service_completed_successfully' },
      's3-bucket': { condition: 'service_completed_successfully' },
    });
  });

  it("exports the workers' metrics on the image's port, inside the compose network only", () => {
    const worker = model().services.worker!;
    const runtime = stage(parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8')), 'runtime');
    const imageEnv = Object.assign({}, ...all(runtime, 'ENV').map((i) => keyValues(i.args))) as Record<string, string>;
    expect(imageEnv.WORKER_METRICS_ADDRESS).toBe('0.0.0.0:9464');
    expect(all(runtime, 'EXPOSE').map((i) => i.args)).toContain('9464');
    expect(worker.environment?.WORKER_METRICS_ADDRESS).toBe(imageEnv.WORKER_METRICS_ADDRESS);
    expect(worker.expose).toEqual(['9464']);
    expect(worker.ports).toBeUndefined();
  });

  it('starts the server after the schema step, and the UI and namespace step once it is healthy', () => {
    const { services } = model();
    expect(services.temporal!.depends_on).toEqual({
      'temporal-schema': expect.objectContaining({ condition: 'service_completed_successfully' }),
    });
    for (const name of ['temporal-namespace', 'temporal-ui']) {
      expect(services[name]!.depends_on).toEqual({
        temporal: expect.objectContaining({ condition: 'service_healthy' }),
      });
    }
    expect(services['temporal-schema']!.depends_on).toEqual({
      postgresql: expect.objectContaining({ condition: 'service_healthy' }),
    });
  });

  it("registers exactly the workflows' search attributes (src/contract/search-attributes.ts)", () => {
    expect(model().services['temporal-namespace']!.command).toEqual(allSearchAttributeKeys.map(cliSearchAttribute));
  });

  it('pins every image to an exact version, and S3 to the versitygw the test suite runs', () => {
    const { services } = model();
    const pulled = Object.entries(services).filter(([, s]) => !s.build);
    expect(pulled.length).toBeGreaterThan(0);
    for (const [name, service] of pulled) {
      expect(service.image, name).toMatch(/^[\w./-]+:v?\d+\.\d+(\.\d+)?(-[\w.-]+)?$/);
    }
    expect(services.s3!.image).toBe(`versity/versitygw:${tools.versitygw.version}`);
  });

  it('holds no secret: every password, key and secret comes from the env file', () => {
    const secrets = Object.entries(model().services).flatMap(([service, s]) =>
      Object.entries(s.environment ?? {})
        .filter(([name]) => /PASSWORD|PWD|SECRET|KEY/.test(name))
        .map(([name, value]) => ({ service, name, value })),
    );
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets)
      expect(secret.value, `${secret.service} ${secret.name}`).toMatch(/^dummy-[A-Z0-9_]+$/);
  });

  it('publishes ports on loopback unless PUBLISH_IP says otherwise', () => {
    const ports = Object.values(model().services).flatMap((s) => s.ports ?? []);
    expect(ports.map((p) => p.published).sort()).toEqual(['3000', '7070', '7233', '8080']);
    for (const port of ports) expect(port.host_ip).toBe('127.0.0.1');
  });

  it("runs the webhook receiver only in the `webhooks` profile: the image's `webhooks` command, on loopback, with the workers' secret", () => {
    expect(model().services.webhooks).toBeUndefined();
    const { code, stdout, stderr } = runCompose(
      production,
      filledEnv,
      '--profile',
      'webhooks',
      'config',
      '--format',
      'json',
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const { services } = JSON.parse(stdout) as Model;
    const webhooks = services.webhooks!;
    expect(webhooks.command).toEqual(['webhooks']);
    expect(webhooks.ports).toMatchObject([{ host_ip: '127.0.0.1', target: 8088 }]);
    expect(webhooks.environment?.WEBHOOK_SECRET).toBe(services.worker!.environment?.WEBHOOK_SECRET);
    expect(services.worker!.environment?.WEBHOOK_PUBLIC_URL).toBe(sentinel('WEBHOOK_PUBLIC_URL'));
  });

  it('mounts only files and folders of this repository that exist, read-only', () => {
    const binds = Object.entries(model().services).flatMap(([service, s]) =>
      (s.volumes ?? []).filter((v) => v.type === 'bind').map((v) => ({ service, ...v })),
    );
    expect(binds.length).toBeGreaterThan(0);
    for (const bind of binds) {
      expect(existsSync(bind.source), `${bind.service}: ${bind.source}`).toBe(true);
      expect(bind.read_only, `${bind.service}: ${bind.target}`).toBe(true);
    }
  });

  it("has Prometheus scrape every worker replica's metrics port and Grafana show the dashboard from it", () => {
    const { services } = model();
    const metricsPort = /:(\d+)$/.exec(services.worker!.environment!.WORKER_METRICS_ADDRESS ?? '')?.[1];
    const scrape = readFileSync(join(root, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8');
    // By the service's name, which Docker's DNS answers with every replica's address.
    expect(scrape).toMatch(/names: \[worker\]/);
    expect(scrape).toContain(`port: ${metricsPort}`);
    const prometheus = services.prometheus!;
    const configFile = prometheus.command?.find((a) => a.startsWith('--config.file='))?.split('=')[1];
    expect(prometheus.volumes).toContainEqual(
      expect.objectContaining({ source: join(root, 'deploy', 'prometheus', 'prometheus.yml'), target: configFile }),
    );

    const grafana = services.grafana!;
    expect(grafana.depends_on).toEqual({ prometheus: expect.objectContaining({ condition: 'service_healthy' }) });
    const provisioning = join(root, 'deploy', 'grafana', 'provisioning');
    const datasource = readFileSync(join(provisioning, 'datasources', 'prometheus.yaml'), 'utf8');
    expect(datasource).toContain('url: http://prometheus:9090');
    const provider = readFileSync(join(provisioning, 'dashboards', 'scene-video.yaml'), 'utf8');
    const folder = /path: (\S+)/.exec(provider)?.[1];
    expect(grafana.volumes).toContainEqual(
      expect.objectContaining({ source: dashboardFile, target: `${folder}/${basename(dashboardFile)}` }),
    );
    expect(grafana.volumes).toContainEqual(
      expect.objectContaining({ source: provisioning, target: '/etc/grafana/provisioning' }),
    );
  });
});
