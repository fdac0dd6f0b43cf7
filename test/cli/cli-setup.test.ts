import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerEnv, type WorkerStack } from '../../dev/harness/worker-env';
import { spawnWorkerProcess } from '../../dev/harness/worker-process';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { resolveTool } from '../../dev/stack/provision';
import { startTemporalDevServer, type TemporalDevServer } from '../../dev/stack/temporal-dev-server';
import { stackInfo } from '../helpers/stack-info';
import { uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';
import { generateFlags, jsonOf, runCli, spawnCli } from './run-cli';

// A Temporal server of this file's own, started without scene-video's search attributes (the global stack registers
// them at start): `default` to set up and then run a scene on, `clashing` for an attribute of another type. The tests
// run in order, each on what the one before left.

const lacksAll =
  'Namespace default lacks the search attributes ProjectId, SceneId, SceneType, VideoProvider, VideoStatus, CostUsd ' +
  'that scene-video needs: run `scene-video setup` (Temporal Cloud: it prints the tcld command).';

let server: TemporalDevServer;
let sandbox: Sandbox;
const logDir = mkdtempSync(join(tmpdir(), 'svw-setup-'));

beforeAll(async () => {
  [server, sandbox] = await Promise.all([
    startTemporalDevServer({
      binary: await resolveTool('temporal', () => undefined),
      namespace: 'default',
      moreNamespaces: ['clashing'],
      uiPort: false,
      searchAttributes: [],
      logDir,
    }),
    startSandbox({ scenario: { default: { queueMs: 100, renderMs: 600 } } }),
  ]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), sandbox?.close()]);
  rmSync(logDir, { recursive: true, force: true });
});

const ownStack = (namespace = 'default'): WorkerStack => ({
  temporalAddress: server.address,
  namespace,
  s3: stackInfo().s3,
});
const cliEnv = (namespace = 'default') => ({
  TEMPORAL_ADDRESS: server.address,
  TEMPORAL_NAMESPACE: namespace,
  TEMPORAL_TASK_QUEUE: 'setup-unused',
});

async function customAttributes(namespace: string): Promise<Record<string, number>> {
  const connection = await Connection.connect({ address: server.address });
  try {
    return (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes;
  } finally {
    await connection.close();
  }
}

describe('a namespace without the search attributes, then `scene-video setup`', () => {
  it('the worker, from source and as `scene-video worker`, refuses to start in one line (exit 1)', async () => {
    // Node's own warnings (the AWS SDK's about Node 20) are not the worker's output.
    const env = {
      ...workerEnv(ownStack(), sandbox, { taskQueue: uniqueTaskQueue('setup-refused') }),
      NODE_NO_WARNINGS: '1',
    };
    const worker = spawnWorkerProcess({ env });
    const cli = await runCli(['worker'], env);
    await worker.exited;
    expect(worker.exitCode).toBe(1);
    expect(worker.output()).toBe(`${lacksAll}\n`);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toBe(`error: ${lacksAll}\n`);
  });

  it('the CLI refuses in the same line, before it starts anything (exit 1; with --json, the error document)', async () => {
    const generate = await runCli(
      ['generate', ...generateFlags({ sceneId: 'refused', sceneType: 'broll', prompt: 'A calm sea' }), '--json'],
      cliEnv(),
    );
    expect(generate.code).toBe(1);
    expect(generate.stderr).toBe(`error: ${lacksAll}\n`);
    expect(jsonOf(generate)).toEqual({ error: { code: 'failed', exitCode: 1, message: lacksAll } });
    // Reading or stopping what runs needs no attribute: a namespace missing one must not lock people out of it.
    const status = await runCli(['status', 'scene-video:_:refused'], cliEnv());
    expect(status.code).toBe(3);
    expect(status.stderr).toMatch(/^error: No workflow "scene-video:_:refused" in this namespace\./);
  });

  it('setup --check reports all six missing and changes nothing (exit 5)', async () => {
    const run = await runCli(['setup', '--check', '--json'], cliEnv());
    expect(run.code, run.stderr).toBe(5);
    const report = jsonOf(run);
    expect(report).toMatchObject({ namespace: 'default', temporalCloud: false, check: true, changed: false });
    expect(report.attributes.map((a: { state: string }) => a.state)).toEqual(Array(6).fill('missing'));
    expect(await customAttributes('default')).toEqual({});
  });

  it('setup adds them (exit 0), and a second run finds them all and changes nothing (exit 0)', async () => {
    const first = await runCli(['setup', '--json'], cliEnv());
    expect(first.code, first.stderr).toBe(0);
    expect(jsonOf(first)).toMatchObject({ changed: true, commands: {} });
    expect(jsonOf(first).attributes).toEqual([
      { name: 'ProjectId', type: 'Keyword', state: 'added' },
      { name: 'SceneId', type: 'Keyword', state: 'added' },
      { name: 'SceneType', type: 'Keyword', state: 'added' },
      { name: 'VideoProvider', type: 'Keyword', state: 'added' },
      { name: 'VideoStatus', type: 'Keyword', state: 'added' },
      { name: 'CostUsd', type: 'Double', state: 'added' },
    ]);

    const second = await runCli(['setup'], cliEnv());
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`Search attributes of namespace default (${server.address}):`);
    expect(second.stdout).toMatch(/^ {2}CostUsd +Double +present$/m);
    expect(second.stdout).toContain('All 6 search attributes scene-video needs are present; nothing to do.');
  });

  it('an attribute of another type is reported with what to do and left as it is (exit 1)', async () => {
    const { IndexedValueType } = temporal.api.enums.v1;
    const connection = await Connection.connect({ address: server.address });
    try {
      await connection.operatorService.addSearchAttributes({
        namespace: 'clashing',
        searchAttributes: { VideoStatus: IndexedValueType.INDEXED_VALUE_TYPE_TEXT },
      });
    } finally {
      await connection.close();
    }
    const run = await runCli(['setup', '--json'], cliEnv('clashing'));
    expect(run.code, run.stderr).toBe(1);
    const report = jsonOf(run);
    expect(report.attributes.find((a: { name: string }) => a.name === 'VideoStatus')).toEqual({
      name: 'VideoStatus',
      type: 'Keyword',
      state: 'wrong type',
      actualType: 'Text',
      fix:
        'if nothing else uses VideoStatus, remove it (`temporal operator search-attribute remove --namespace clashing ' +
        '--name VideoStatus --yes`) and run `scene-video setup` again; otherwise set TEMPORAL_NAMESPACE to a ' +
        'namespace of its own',
    });
    expect((await customAttributes('clashing')).VideoStatus).toBe(IndexedValueType.INDEXED_VALUE_TYPE_TEXT);

    const generate = await runCli(
      ['generate', ...generateFlags({ sceneId: 'clash', sceneType: 'broll', prompt: 'A calm sea' })],
      cliEnv('clashing'),
    );
    expect(generate.code).toBe(1);
    expect(generate.stderr).toBe(
      'error: Namespace clashing has search attributes of the wrong type for scene-video: VideoStatus is Text, not ' +
        'Keyword: `scene-video setup` never changes a type; run it to see how to fix this, or set TEMPORAL_NAMESPACE ' +
        'to a namespace of its own.\n',
    );
  });

  it('once set up, a worker on that server completes a scene', async () => {
    const taskQueue = uniqueTaskQueue('setup-scene');
    const worker = spawnCli(['worker'], workerEnv(ownStack(), sandbox, { taskQueue, providers: ['piapi'] }));
    try {
      await waitFor(async () => worker.stdoutText().includes('scene-video worker on'), 60_000);
      const sceneId = `s-${taskQueue.slice(-8)}`;
      const run = await runCli(
        ['generate', ...generateFlags({ sceneId, sceneType: 'broll', prompt: 'A calm forest' }), '--wait', '--json'],
        { ...cliEnv(), TEMPORAL_TASK_QUEUE: taskQueue },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(jsonOf(run)).toMatchObject({ status: 'COMPLETED', result: { stored: true } });
    } finally {
      worker.kill('SIGINT');
    }
    const exit = await worker.done;
    expect(exit.code, exit.stderr).toBe(0);
  });
});
