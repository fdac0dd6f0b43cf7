import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { scrapeMetrics, sumOf } from '../../dev/stack/prometheus-scrape';
import { workerEnv } from '../../dev/harness/worker-env';
import { sceneWorker, spawnWorkerProcess, type WorkerProcess } from '../../dev/harness/worker-process';
import { freePort } from '../../dev/stack/free-port';
import { startSceneVideo, waitForSceneVideo } from '../../src/client';
import { pipelineMetrics } from '../../src/contract/metrics';
import { runCliModule } from '../helpers/cli-probes';
import { stackInfo } from '../helpers/stack-info';
import { connectClient, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';
import { copyContext } from './docker-context';
import { all, copiesFrom, execForm, flags, keyValues, last, parseDockerfile, stage } from './dockerfile';

/**
 * The image without a container: the Dockerfile's steps, read from the Dockerfile, run on this machine. The build
 * context (.dockerignore) is copied to a fresh directory outside the repository, the build stage's RUN runs there
 * (npm ci from the lockfile, npm run build, npm prune --omit=dev), the runtime stage's COPY lines move the pruned
 * tree to a second directory, and the worker starts there as ENTRYPOINT + CMD with the runtime ENV, plain node, no
 * tsx. What stays unexercised: the base image itself, the `node` user, Docker's own HEALTHCHECK and signal delivery.
 */

const root = join(__dirname, '..', '..');
const dockerfile = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const buildStage = stage(dockerfile, 'build');
const runtimeStage = stage(dockerfile, 'runtime');
const runtimeEnv = Object.assign({}, ...all(runtimeStage, 'ENV').map((i) => keyValues(i.args))) as Record<
  string,
  string
>;
const command = [...execForm(last(runtimeStage, 'ENTRYPOINT').args), ...execForm(last(runtimeStage, 'CMD').args)];
const healthcheck = execForm(flags(last(runtimeStage, 'HEALTHCHECK').args).rest.replace(/^CMD\s+/, ''));
const lockfile = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean }>;
};

const started = Date.now();
const progress = (message: string) =>
  console.log(`[image-tree ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

/** Only what a `docker build` would have: PATH (this test's node first), HOME (npm's cache), proxies, registry. */
function buildEnv(): NodeJS.ProcessEnv {
  const passed = Object.entries(process.env).filter(([k]) =>
    /^(HOME|LANG|TMPDIR|https?_proxy|no_proxy|HTTPS?_PROXY|NO_PROXY|npm_config_(registry|cache|userconfig))$/.test(k),
  );
  return { ...Object.fromEntries(passed), PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` };
}

function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; log: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const onData = (d: Buffer) => {
      log += d.toString();
      // The script's own step lines, as they come: npm ci alone takes a minute without a warm cache.
      for (const line of d.toString().split('\n')) if (line.startsWith('==> ')) progress(line.slice(4));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, log }));
  });
}

function sizeMb(path: string): number {
  const du = spawnSync('du', ['-sk', path], { encoding: 'utf8' });
  return Math.round(Number.parseInt(du.stdout, 10) / 1024);
}

const node = (argv: string[]) => {
  expect(argv[0]).toBe('node');
  return argv.slice(1);
};

let work: string;
let context: string;
let app: string;
let sandbox: Sandbox;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'scene-video-image-'));
  context = join(work, 'build');
  app = join(work, 'app');
  const files = copyContext(root, context);
  progress(`copied the build context (${files.length} files) to ${context}`);

  const argv = execForm(flags(last(buildStage, 'RUN').args).rest);
  progress(`RUN ${argv.join(' ')}`);
  const build = await run(argv, context, buildEnv());
  if (build.code !== 0) throw new Error(`${argv.join(' ')} exited ${build.code}:\n${build.log.slice(-6000)}`);

  mkdirSync(app);
  for (const path of copiesFrom(runtimeStage, 'build', '/app')) renameSync(join(context, path), join(app, path));
  progress(`runtime tree in ${app}: ${readdirSync(app).sort().join(' ')}`);
  sandbox = await startSandbox({ scenario: { default: { queueMs: 100, renderMs: 600 } } });
}, 900_000);

afterAll(async () => {
  await sandbox?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the image, built and run without a container', () => {
  it('leaves production dependencies only, the prebuilt workflow bundle, and one platform of native code', () => {
    expect(readdirSync(app).sort()).toEqual(copiesFrom(runtimeStage, 'build', '/app').sort());
    const modules = join(app, 'node_modules');
    for (const tool of ['typescript', 'tsx', 'vitest', '@temporalio/testing', 'eslint', 'prettier', 'webpack-cli']) {
      expect(existsSync(join(modules, tool)), tool).toBe(false);
    }
    const devOnly = Object.entries(lockfile.packages)
      .filter(([path, p]) => path.startsWith('node_modules/') && p.dev)
      .map(([path]) => path);
    expect(devOnly.length).toBeGreaterThan(50);
    expect(devOnly.filter((path) => existsSync(join(app, path)))).toEqual([]);
    for (const runtime of ['@temporalio/worker', '@temporalio/client', '@aws-sdk/client-s3', 'zod']) {
      expect(existsSync(join(modules, runtime, 'package.json')), runtime).toBe(true);
    }
    for (const bundle of ['workflow-bundle.js', 'workflow-bundle-traced.js']) {
      expect(existsSync(join(app, 'dist', bundle)), bundle).toBe(true);
    }
    expect(readdirSync(join(modules, '@temporalio', 'core-bridge', 'releases'))).toHaveLength(1);

    const devTree = realpathSync(join(root, 'node_modules'));
    progress(
      `sizes: runtime tree ${sizeMb(app)} MB (node_modules ${sizeMb(modules)} MB, dist ${sizeMb(join(app, 'dist'))} MB); ` +
        `this checkout's dev node_modules ${sizeMb(devTree)} MB`,
    );
  });

  it('runs a worker as ENTRYPOINT + CMD, healthy per its HEALTHCHECK, that stores a scene and drains on SIGTERM', async () => {
    const port = await freePort();
    const taskQueue = uniqueTaskQueue('image');
    // The image's metrics address, on a port of this machine that is free (0.0.0.0:9464 is the container's own).
    expect(runtimeEnv.WORKER_METRICS_ADDRESS).toBe('0.0.0.0:9464');
    const metrics = `127.0.0.1:${await freePort()}`;
    const imageEnv = { ...runtimeEnv, WORKER_HEALTH_PORT: String(port), WORKER_METRICS_ADDRESS: metrics };
    const healthEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...imageEnv };
    // The HEALTHCHECK's command line as is, in the runtime tree.
    const health = () => run([process.execPath, ...node(healthcheck)], app, healthEnv);
    expect(node(healthcheck)[0]).toBe('bin/scene-video.js');

    const before = await health();
    expect(before.code).toBe(1);
    expect(before.log).toContain('ECONNREFUSED');

    const { client, connection } = await connectClient();
    let worker: WorkerProcess | undefined;
    try {
      progress(`starting \`${command.join(' ')}\` in ${app}`);
      worker = spawnWorkerProcess({
        entry: {
          path: join(app, node(command)[0]!),
          args: node(command).slice(1),
          compiled: true,
          readyLine: sceneWorker.readyLine,
        },
        cwd: app,
        env: { ...workerEnv(stackInfo(), sandbox, { taskQueue }), ...imageEnv },
        readyTimeoutMs: 60_000,
      });
      await worker.ready;
      const healthy = await waitFor(async () => {
        const probe = await health();
        return probe.code === 0 ? probe : undefined;
      }, 10_000);
      expect(healthy.log).toContain('(worker RUNNING)');
      // The HEALTHCHECK runs every 30 s: node:http and the CLI, no Temporal or AWS SDK.
      const loaded = await runCliModule(join(app, 'dist', 'cli', 'main.js'), node(healthcheck).slice(1), {
        cwd: app,
        env: healthEnv,
      });
      expect(loaded.code, loaded.stderr).toBe(0);
      expect(loaded.packages.filter((p) => p.startsWith('@temporalio/') || p.startsWith('@aws-sdk/'))).toEqual([]);

      progress('running one scene on it');
      const sceneId = `image-${taskQueue.slice(-8)}`;
      const { workflowId } = await startSceneVideo(
        client,
        {
          sceneId,
          sceneType: 'broll',
          prompt: 'A lighthouse at dusk',
          durationSec: 5,
          aspectRatio: '16:9',
          polling: { intervalMs: 200, providerDeadlineMs: 60_000 },
        },
        { taskQueue },
      );
      const result = await waitForSceneVideo(client, workflowId);
      expect(result).toMatchObject({ sceneId, stored: true });
      // The prebuilt workflow bundle records the scene too, through the compiled worker's exporter.
      const scenes = await waitFor(async () => {
        const counted = sumOf(await scrapeMetrics(`http://${metrics}/metrics`), pipelineMetrics.scenes.name, {
          outcome: 'succeeded',
        });
        return counted > 0 ? counted : undefined;
      }, 10_000);
      expect(scenes).toBe(1);
      const s3Info = stackInfo().s3;
      const s3 = new S3Client({
        endpoint: s3Info.endpoint,
        region: s3Info.region,
        forcePathStyle: true,
        credentials: { accessKeyId: s3Info.accessKeyId, secretAccessKey: s3Info.secretAccessKey },
      });
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: s3Info.bucket, Key: result.s3Key! }));
        expect(head.ContentLength).toBe(result.bytes);
        expect(head.ContentLength).toBeGreaterThan(0);
      } finally {
        s3.destroy();
      }

      progress('SIGTERM');
      await worker.stop(30_000);
      expect(worker.exitCode, worker.output()).toBe(0);
      const major = Number(process.versions.node.split('.')[0]);
      if (major >= 22) expect(worker.output()).not.toContain('NodeVersionSupportWarning');
      else progress(`node ${process.versions.node}: the AWS SDK's NodeVersionSupportWarning is expected before 22`);
      expect((await health()).code).toBe(1);
    } finally {
      await worker?.stop(5_000);
      await connection.close();
    }
  });
});
