import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { ActivityDeps } from '../../src/activities';
import { type Catalogue, type ProviderConfig } from '../../src/contract/catalogue';
import { defaultCatalogue } from '../../src/config/catalogue';
import { inspectMp4, startSandbox, type Mp4Info, type Sandbox, type ScenarioInput } from '../../dev/sandbox';
import type { SceneInput } from '../../src/contract/scene-input';
import { sandboxActivityDeps, type SandboxDepsOptions } from './sandbox-deps';
import { runSandboxWorker } from './sandbox-worker';
import { stackInfo } from './stack-info';
import { connectClient, connectWorker, uniqueTaskQueue } from './temporal';

/** The sandbox's scenario key for a catalogue provider, e.g. `piapi:kling`. */
export function sandboxKey(provider: string, catalogue: Catalogue = defaultCatalogue): string {
  const p: ProviderConfig | undefined = catalogue.find((c) => c.key === provider);
  if (!p) throw new Error(`no provider ${provider}`);
  return `${p.route}:${p.model}`;
}

export interface SceneHarness {
  sandbox: Sandbox;
  client: Client;
  connection: Connection;
  taskQueue: string;
  worker: Worker;
  s3: S3Client;
  bucket: string;
  deps: ActivityDeps;
  scene(overrides?: Partial<SceneInput>): SceneInput;
  readObject(key: string): Promise<Uint8Array>;
  inspectObject(key: string): Promise<Mp4Info>;
  close(): Promise<void>;
}

/** A real worker on the shared dev server, its activities talking to an in-process sandbox over HTTP and to real S3. */
export async function startSceneHarness(
  opts: SandboxDepsOptions & { scenario?: ScenarioInput } = {},
): Promise<SceneHarness> {
  const sandbox = await startSandbox({ scenario: opts.scenario ?? { default: { queueMs: 100, renderMs: 600 } } });
  const stack = stackInfo();
  const deps = sandboxActivityDeps(sandbox, stack.s3, opts);
  const s3 = deps.s3;
  const { client, connection } = await connectClient();
  const taskQueue = uniqueTaskQueue('scene');
  const { worker, close } = await runSandboxWorker({
    connection: await connectWorker(),
    namespace: stack.namespace,
    taskQueue,
    sandbox,
    deps,
  });
  const readObject = async (key: string) => {
    const res = await s3.send(new GetObjectCommand({ Bucket: stack.s3.bucket, Key: key }));
    return res.Body!.transformToByteArray();
  };
  return {
    sandbox,
    client,
    connection,
    taskQueue,
    worker,
    s3,
    bucket: stack.s3.bucket,
    deps,
    scene: (overrides = {}) => ({
      sceneId: `scene-${randomUUID().slice(0, 8)}`,
      projectId: 'test-project',
      sceneType: 'broll',
      prompt: 'Calm office scene in the afternoon',
      durationSec: 5,
      aspectRatio: '16:9',
      polling: { intervalMs: 200, providerDeadlineMs: 60_000 },
      ...overrides,
    }),
    readObject,
    inspectObject: async (key) => inspectMp4(await readObject(key)),
    async close() {
      await close();
      await connection.close();
    },
  };
}
