import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Worker } from '@temporalio/worker';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { workerEnv } from '../../dev/harness/worker-env';
import { startWorkerProcess, type WorkerProcess } from '../../dev/harness/worker-process';
import { s3ClientFor } from '../../dev/stack/s3-server';
import type { SceneVideoResult } from '../../src/client';
import { stackInfo } from '../helpers/stack-info';
import { committedHistories, historyFiles } from '../replay/committed-histories';
import { uniqueTaskQueue } from '../helpers/temporal';
import {
  createConsumerProject,
  failure,
  installedPackages,
  packRepository,
  progress,
  repoRoot,
  runCommand,
  tarballFiles,
  timed,
} from './consumer-project';

/**
 * The package as a consumer gets it (#14): `npm pack`, installed into a fresh project outside the repository, used from
 * plain Node (CommonJS and ESM) and type-checked against the shipped declarations, its scenes executed by the
 * installed package's own worker. Nothing in the consumer project runs through TypeScript tooling; the repository's tsc
 * only type-checks its .ts and .mts files.
 */

let packDir: string;
let tarball: string;
let files: string[];
let project: string;

beforeAll(async () => {
  packDir = mkdtempSync(join(tmpdir(), 'svw-pack-'));
  tarball = await timed('npm pack (its prepack runs `npm run build`)', () => packRepository(packDir));
  files = await tarballFiles(tarball);
  progress(`${basename(tarball)}: ${(statSync(tarball).size / 1024).toFixed(0)} kB, ${files.length} files`);
  project = await timed('npm install of the tarball into a fresh project', () => createConsumerProject(tarball));
  progress(`consumer project ${project}`);
}, 600_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
  if (packDir) rmSync(packDir, { recursive: true, force: true });
});

const repoVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** Plain Node in the consumer project: no loader, no --require, only these variables (no Temporal profile of HOME's). */
function runNode(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCommand(process.execPath, args, {
    cwd: project,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_CONFIG_FILE: devNull, ...env },
  });
}

describe('the tarball', () => {
  it('ships the built client, worker, CLI and workflow bundle with the docs and schemas', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'bin/scene-video.js',
      'dist/client/index.js',
      'dist/client/index.mjs',
      'dist/client/index.d.ts',
      'dist/client/index.d.mts',
      'dist/cli/main.js',
      'dist/worker/main.js',
      'dist/workflow-bundle.js',
      'dist/workflow-bundle-traced.js',
      'schemas/project.schema.json',
    ]) {
      expect(files, file).toContain(file);
    }
  });

  it('ships no TypeScript sources, tests, dev tooling, config or secrets', () => {
    const topLevel = new Set(files.map((f) => f.split('/')[0]));
    expect([...topLevel].sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'bin',
      'dist',
      'package.json',
      'schemas',
    ]);
    // Declarations only: a .ts that is not .d.ts (or .d.mts, .d.cts) would be a shipped source.
    expect(files.filter((f) => /\.[cm]?ts$/.test(f) && !/\.d\.[cm]?ts$/.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(src|test|dev|bench|scripts|\.ci|node_modules)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(tsconfig[^/]*\.json|\.env[^/]*|\.npmrc|[^/]*\.(pem|key))$/.test(f))).toEqual([]);
  });
});

describe('the installed package', () => {
  it('brings its runtime dependencies and none of the development ones', () => {
    const installed = installedPackages(project);
    expect(installed).toContain('scene-video-worker');
    expect(installed).toContain('@temporalio/worker');
    for (const dev of [
      'typescript',
      'tsx',
      'vitest',
      '@temporalio/testing',
      '@aws-sdk/lib-storage',
      'eslint',
      'prettier',
      'playwright-core',
    ]) {
      expect(installed, dev).not.toContain(dev);
    }
    expect(existsSync(join(project, 'node_modules', '.bin', 'scene-video'))).toBe(true);
  });

  it('has a deliberate public surface: the client by name, package.json, and no deep imports', async () => {
    const run = await runNode(['surface.cjs']);
    expect(run.code, failure('surface.cjs', run)).toBe(0);
    const surface = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(surface).toMatchObject({
      version: repoVersion,
      sameInstance: true,
      requireDeep: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      requireWorker: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      importDeep: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
    });
    expect(surface.esmExports).toEqual(surface.cjsExports);
    expect(surface.cjsExports).toEqual(
      expect.arrayContaining(['connectFromEnv', 'startSceneVideo', 'getSceneProgress', 'waitForSceneVideo']),
    );
  });
});

describe('plain-Node consumers, their scenes run by the installed worker', () => {
  const taskQueue = uniqueTaskQueue('consumer');
  let sandbox: Sandbox;
  let worker: WorkerProcess;
  let s3: S3Client;

  beforeAll(async () => {
    const stack = stackInfo();
    s3 = s3ClientFor(stack.s3);
    sandbox = await startSandbox({ scenario: { default: { queueMs: 300, renderMs: 2_000 } } });
    worker = await timed('starting the installed worker (node_modules/.bin/scene-video worker)', () =>
      startWorkerProcess({
        entry: {
          path: join(project, 'node_modules', '.bin', 'scene-video'),
          args: ['worker'],
          compiled: true,
          readyLine: 'scene-video worker on ',
        },
        cwd: project,
        env: workerEnv(stack, sandbox, { taskQueue }),
        readyTimeoutMs: 60_000,
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await worker?.kill();
    await sandbox?.close();
    s3?.destroy();
  });

  const consumerEnv = () => ({
    TEMPORAL_ADDRESS: stackInfo().temporalAddress,
    TEMPORAL_NAMESPACE: stackInfo().namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
  });

  it.each([['consumer.cjs'], ['consumer.mjs']])(
    '%s starts a scene, reads its progress and gets it stored',
    async (script) => {
      const sceneId = `${script.replace('.', '-')}-${taskQueue.slice(-8)}`;
      const run = await timed(`node ${script}`, () => runNode([script, sceneId], consumerEnv()));
      expect(run.code, `${failure(script, run)}\nworker:\n${worker.output().slice(-3000)}`).toBe(0);
      const lines = run.stdout.trim().split('\n');
      for (const line of lines.slice(0, -1)) progress(`${script}: ${line}`);
      expect(lines[0]).toBe(`started scene-video:consumer:${sceneId} (new run)`);
      const phases = lines.filter((l) => l.startsWith('phase ')).map((l) => l.slice('phase '.length));
      // Read while the scene ran, not only after it ended.
      expect(
        phases.some((p) => ['ranking', 'generating', 'uploading'].includes(p)),
        phases.join(', '),
      ).toBe(true);

      const result = JSON.parse(lines.at(-1)!) as SceneVideoResult;
      expect(result).toMatchObject({ sceneId, projectId: 'consumer', stored: true });
      expect(result.totalCostUsd).toBeGreaterThan(0);
      const head = await s3.send(new HeadObjectCommand({ Bucket: stackInfo().s3.bucket, Key: result.s3Key }));
      expect(head.ContentLength).toBe(result.bytes);
      expect(head.ContentLength).toBeGreaterThan(0);
    },
  );

  it("the installed package's prebuilt workflow bundle replays every committed history", async () => {
    const codePath = join(project, 'node_modules', 'scene-video-worker', 'dist', 'workflow-bundle.js');
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath } }, committedHistories()))
      results.push(r);
    expect(results.map((r) => r.workflowId)).toEqual(historyFiles);
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  });

  it('the installed worker drains and exits 0 on SIGTERM', async () => {
    expect(worker.alive).toBe(true);
    await worker.stop(30_000);
    expect(worker.exitCode, worker.output().slice(-3000)).toBe(0);
  });
});

describe('TypeScript consumers, checked against the shipped declarations', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  // @types/node is not installed on purpose: it reaches the project through the SDK's own dependencies
  // (protobufjs, jest-worker), as it does for any consumer of @temporalio/client.
  const options = ['--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022'];
  const check = (args: string[]) => runNode([tsc, ...options, '--types', 'node', ...args]);

  it('a CommonJS (.ts) and an ES module (.mts) consumer type-check', async () => {
    const run = await timed('tsc on typed-consumer.ts and typed-consumer.mts', () =>
      check(['--skipLibCheck', 'typed-consumer.ts', 'typed-consumer.mts']),
    );
    expect(run.code, failure('tsc', run)).toBe(0);
  });

  it('a wrong field fails the check in both module kinds, naming the field from the shipped declarations', async () => {
    const run = await check(['--skipLibCheck', '--pretty', 'wrong-field.ts', 'wrong-field.mts']);
    const output = stripVTControlCharacters(run.stdout);
    expect(run.code, output).toBe(2);
    for (const file of ['wrong-field.ts', 'wrong-field.mts']) {
      expect(output).toContain(`${file}:8:3 - error TS2322: Type 'string' is not assignable to type 'number'.`);
    }
    expect(output).toContain("The expected type comes from property 'durationSec'");
    expect(output).toContain('node_modules/scene-video-worker/dist/contract/scene-input.d.ts');
    expect(output).toContain('Found 2 errors in 2 files.');
  });

  it("the package's own declarations check without skipLibCheck; only the SDK's known `ms` typing gap remains", async () => {
    const run = await check(['typed-consumer.ts', 'typed-consumer.mts']);
    const errors = run.stdout.split('\n').filter((l) => / error TS\d+:/.test(l));
    // @temporalio/common 1.24.0 imports types from ms@3.0.0-canary.1, whose "exports" have no types condition, so
    // node16 resolution finds none (TS7016). Every TypeScript consumer of the SDK meets it; skipLibCheck is the usual way.
    const upstream = /^node_modules\/@temporalio\/common\/lib\/time\.d\.ts\(\d+,\d+\): error TS7016: .* module 'ms'/;
    progress(
      `tsc without skipLibCheck: ${errors.length} errors, all from the SDK's \`ms\` typing: ${errors.every((l) => upstream.test(l))}`,
    );
    expect(
      errors.filter((l) => !upstream.test(l)),
      run.stdout,
    ).toEqual([]);
    // tsc ran and reported: exit 0 with no errors, 2 with them (not a crash with nothing on stdout).
    expect(run.code, failure('tsc', run)).toBe(errors.length === 0 ? 0 : 2);
  });
});
