import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkerEnv } from '../../src/config/environment';
import { contextFiles, isIgnored, parseDockerignore } from '../package/docker-context';
import {
  all,
  copiesFrom,
  execForm,
  flags,
  keyValues,
  last,
  parseDockerfile,
  stage,
  stageArgs,
} from '../package/dockerfile';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { version: string; license: string; files: string[] };

describe('.dockerignore rules, as Docker reads them', () => {
  const ignored = (rules: string, path: string) => isIgnored(parseDockerignore(rules), path);

  it('a pattern names a path from the context root, and everything below it', () => {
    expect(ignored('test', 'test')).toBe(true);
    expect(ignored('test', 'test/unit/a.test.ts')).toBe(true);
    expect(ignored('test', 'src/test/a.ts')).toBe(false);
    expect(ignored('/dist/', 'dist/cli/main.js')).toBe(true);
    expect(ignored('./dev/stack', 'dev/stack/stack.ts')).toBe(true);
    expect(ignored('./dev/stack', 'dev/sandbox/index.ts')).toBe(false);
  });

  it('* and ? stay within one directory, ** spans any number', () => {
    expect(ignored('*.log', 'npm-debug.log')).toBe(true);
    expect(ignored('*.log', 'logs/npm-debug.log')).toBe(false);
    expect(ignored('**/*.log', 'logs/deep/npm-debug.log')).toBe(true);
    expect(ignored('**/*.log', 'npm-debug.log')).toBe(true);
    expect(ignored('**/node_modules', 'a/b/node_modules/x/index.js')).toBe(true);
    expect(ignored('src/**', 'src/a/b.ts')).toBe(true);
    expect(ignored('src/**/x.ts', 'src/x.ts')).toBe(true);
    expect(ignored('src/?.ts', 'src/a.ts')).toBe(true);
    expect(ignored('src/?.ts', 'src/ab.ts')).toBe(false);
    expect(ignored('a.b', 'aXb')).toBe(false);
  });

  it('the last matching rule wins, so ! re-includes what an earlier rule left out', () => {
    expect(ignored('*\n!src', 'src/a.ts')).toBe(false);
    expect(ignored('*\n!src', 'README.md')).toBe(true);
    expect(ignored('*\n!dev/build', 'dev/build/main.ts')).toBe(false);
    expect(ignored('*\n!dev/build', 'dev/stack/main.ts')).toBe(true);
    expect(ignored('!src\n*', 'src/a.ts')).toBe(true);
    expect(ignored('*\n!src\nsrc/secret', 'src/secret/key')).toBe(true);
  });

  it('skips comments and blank lines; refuses character classes rather than match them differently', () => {
    expect(parseDockerignore('# a comment\n\n  \nsrc\n').map((r) => r.pattern)).toEqual(['src']);
    expect(() => parseDockerignore('[ab].ts')).toThrow(/character classes/);
  });
});

describe('the build context', () => {
  const files = contextFiles(root, parseDockerignore(read('.dockerignore')));
  const allowed = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'LICENSE'];
  const allowedDirs = ['src/', 'dev/build/', 'scripts/image/', 'bin/', 'schemas/'];

  it('holds the sources, the lockfile and the build script, and nothing else', () => {
    for (const file of files) {
      expect(allowed.includes(file) || allowedDirs.some((d) => file.startsWith(d)), file).toBe(true);
    }
    for (const file of [...allowed, 'src/worker/main.ts', 'dev/build/main.ts', 'scripts/image/build.sh']) {
      expect(files).toContain(file);
    }
    expect(files.some((f) => /^(node_modules|dist|test|bench|assets|\.git|\.data)(\/|$)/.test(f))).toBe(false);
  });

  it('is enough for the build: dev/build imports only dev/build and src/', () => {
    const buildDir = join(root, 'dev', 'build');
    for (const name of readdirSync(buildDir).filter((n) => n.endsWith('.ts'))) {
      for (const [, spec] of readFileSync(join(buildDir, name), 'utf8').matchAll(/from '(\.[^']*)'/g)) {
        const target = relative(root, resolve(dirname(join(buildDir, name)), spec!));
        expect(target.startsWith('src/') || target.startsWith('dev/build/'), `${name} imports ${spec}`).toBe(true);
      }
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = parseDockerfile(read('Dockerfile'));
  const build = stage(dockerfile, 'build');
  const runtime = stage(dockerfile, 'runtime');
  const runtimeEnv = Object.assign({}, ...all(runtime, 'ENV').map((i) => keyValues(i.args))) as Record<string, string>;
  const labels = Object.assign(
    {},
    ...all(runtime, 'LABEL').map((i) => keyValues(i.args, stageArgs(dockerfile, runtime))),
  ) as Record<string, string>;

  it('builds and runs on the same Debian Node 22 image', () => {
    expect(build.from).toMatch(/^node:22-(bookworm|trixie)-slim(@sha256:[0-9a-f]{64})?$/);
    expect(runtime.from).toBe(build.from);
  });

  it('builds with the one project script, runs the worker as `scene-video worker`', () => {
    expect(execForm(flags(last(build, 'RUN').args).rest)).toEqual(['bash', 'scripts/image/build.sh']);
    expect([...execForm(last(runtime, 'ENTRYPOINT').args), ...execForm(last(runtime, 'CMD').args)]).toEqual([
      'node',
      'bin/scene-video.js',
      'worker',
    ]);
  });

  it('copies the pruned tree: what the package ships plus node_modules and the LICENSE', () => {
    const copied = copiesFrom(runtime, 'build', '/app').sort();
    expect(copied).toEqual(['LICENSE', 'bin', 'dist', 'node_modules', 'package.json', 'schemas']);
    const shipped = pkg.files.map((f) => f.replace(/\/$/, '')).filter((f) => f !== 'CHANGELOG.md');
    expect(shipped.every((f) => copied.includes(f))).toBe(true);
  });

  it('runs as the unprivileged node user, in production, with the health endpoint open to probes', () => {
    expect(last(runtime, 'USER').args).toBe('node');
    expect(runtimeEnv).toMatchObject({ NODE_ENV: 'production', WORKER_HEALTH_HOST: '0.0.0.0' });
    const env = loadWorkerEnv(runtimeEnv);
    expect(last(runtime, 'EXPOSE').args).toBe(String(env.WORKER_HEALTH_PORT));
  });

  it('checks health with `scene-video health`, inside the Docker HEALTHCHECK timeout', () => {
    const { flags: options, rest } = flags(last(runtime, 'HEALTHCHECK').args);
    expect(rest.startsWith('CMD ')).toBe(true);
    expect(execForm(rest.slice('CMD '.length))).toEqual([...execForm(last(runtime, 'ENTRYPOINT').args), 'health']);
    // `scene-video health` gives up after 3 s by default, so Docker never kills it mid-answer.
    expect(Number.parseInt(options.timeout ?? '30s', 10)).toBeGreaterThan(3);
    expect(options).toMatchObject({ interval: '30s', retries: '3' });
  });

  it('labels the image with the package version and licence', () => {
    expect(labels).toMatchObject({
      'org.opencontainers.image.title': 'scene-video-worker',
      'org.opencontainers.image.version': pkg.version,
      'org.opencontainers.image.licenses': pkg.license,
    });
  });

  it('stops with SIGTERM, which the worker drains on', () => {
    expect(last(runtime, 'STOPSIGNAL').args).toBe('SIGTERM');
  });
});
