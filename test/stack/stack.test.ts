import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3ClientFor } from '../../dev/stack/s3-server';
import { persistenceRequests } from '../../dev/stack/server-metrics';
import { searchAttributes } from '../../src/contract/search-attributes';
import { createSmokeActivities } from '../fixtures/smoke/activities';
import { smokeWorkflow } from '../fixtures/smoke/workflows';
import { stackInfo } from '../helpers/stack-info';
import { waitFor } from '../helpers/wait-for';
import { bundle, connectClient, connectWorker, uniqueTaskQueue } from '../helpers/temporal';

const smokeWorkflowsPath = join(__dirname, '../fixtures/smoke/workflows.ts');

/** The dev server's reads of its cluster metadata, where the search attributes are kept. */
async function clusterMetadataReads(): Promise<number> {
  return (await persistenceRequests(stackInfo().metricsUrl)).GetCurrentClusterMetadata ?? 0;
}

describe('the Temporal dev server is real', () => {
  let conn: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    conn = await connectClient();
  });
  afterAll(async () => {
    await conn.connection.close();
  });

  it('runs a workflow with one activity, exports its history to JSON and replays it offline', async () => {
    const workflowBundle = await bundle(smokeWorkflowsPath);
    const taskQueue = uniqueTaskQueue('smoke');
    const worker = await Worker.create({
      connection: await connectWorker(),
      namespace: stackInfo().namespace,
      taskQueue,
      workflowBundle,
      activities: createSmokeActivities('Hello'),
    });
    const workflowId = `smoke-${taskQueue}`;
    const result = await worker.runUntil(
      conn.client.workflow.execute(smokeWorkflow, { taskQueue, workflowId, args: ['Temporal'] }),
    );
    expect(result).toBe('Hello, Temporal');

    const history = await conn.client.workflow.getHandle(workflowId).fetchHistory();
    const json = JSON.parse(historyToJSON(history)) as { events: { eventType: string }[] };
    expect(json.events.map((e) => e.eventType)).toContain('EVENT_TYPE_ACTIVITY_TASK_COMPLETED');
    await Worker.runReplayHistory({ workflowBundle }, historyFromJSON(json), workflowId);
  });

  it('registered the custom search attributes at start', async () => {
    const res = await conn.connection.operatorService.listSearchAttributes({ namespace: stackInfo().namespace });
    expect(Object.keys(res.customAttributes ?? {})).toEqual(
      expect.arrayContaining(['ProjectId', 'SceneId', 'SceneType', 'VideoProvider', 'VideoStatus', 'CostUsd']),
    );
  });

  it('reads its search attributes from a cache, not from the database on every start and visibility write', async () => {
    const n = 20;
    const sceneId = `sa-cache-${uniqueTaskQueue('scene')}`;
    const before = await clusterMetadataReads();
    const handles = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        conn.client.workflow.start(smokeWorkflow, {
          taskQueue: uniqueTaskQueue('no-worker'),
          workflowId: `${sceneId}-${i}`,
          args: ['cache'],
          typedSearchAttributes: [{ key: searchAttributes.sceneId, value: sceneId }],
        }),
      ),
    );
    try {
      const listed = await waitFor(async () => {
        let count = 0;
        for await (const _ of conn.client.workflow.list({ query: `SceneId = "${sceneId}"` })) count++;
        return count === n ? count : undefined;
      }, 15_000);
      expect(listed).toBe(n);
      // Each service's cache refreshes once a minute; with the CLI's default every start read the metadata at least once.
      expect((await clusterMetadataReads()) - before).toBeLessThanOrEqual(3);
    } finally {
      await Promise.all(handles.map((h) => h.terminate('test done')));
    }
  });

  it('serves the Web UI over HTTP', async () => {
    const uiUrl = stackInfo().uiUrl;
    expect(uiUrl).toBeDefined();
    const res = await fetch(uiUrl!);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<html/i);
  });
});

describe('the S3 server is real', () => {
  it('round-trips a put/get and a multipart upload of three parts', async () => {
    const endpoint = stackInfo().s3;
    const s3 = s3ClientFor(endpoint);
    try {
      await s3.send(new PutObjectCommand({ Bucket: endpoint.bucket, Key: 'smoke/small.txt', Body: 'hello s3' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: endpoint.bucket, Key: 'smoke/small.txt' }));
      expect(await got.Body!.transformToString()).toBe('hello s3');

      const partSize = 5 * 1024 * 1024;
      const payload = randomBytes(partSize * 3 + 1234);
      const upload = new Upload({
        client: s3,
        params: { Bucket: endpoint.bucket, Key: 'smoke/multipart.bin', Body: Readable.from([payload]) },
        partSize,
        queueSize: 2,
      });
      const parts = new Set<number>();
      upload.on('httpUploadProgress', (p) => p.part !== undefined && parts.add(p.part));
      await upload.done();
      expect(parts.size).toBeGreaterThanOrEqual(3);

      const head = await s3.send(new HeadObjectCommand({ Bucket: endpoint.bucket, Key: 'smoke/multipart.bin' }));
      expect(head.ContentLength).toBe(payload.length);
      const body = await (
        await s3.send(new GetObjectCommand({ Bucket: endpoint.bucket, Key: 'smoke/multipart.bin' }))
      ).Body!.transformToByteArray();
      expect(createHash('sha256').update(body).digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
    } finally {
      s3.destroy();
    }
  });

  it('keeps connections alive, as S3 does, so uploads do not each open a new one', async () => {
    const endpoint = stackInfo().s3;
    const s3 = s3ClientFor(endpoint);
    const connectionHeaders: (string | undefined)[] = [];
    s3.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        connectionHeaders.push((out.response as { headers: Record<string, string> }).headers.connection);
        return out;
      },
      { step: 'deserialize', name: 'readConnectionHeader' },
    );
    try {
      for (const key of ['smoke/keep-alive-1.txt', 'smoke/keep-alive-2.txt']) {
        await s3.send(new PutObjectCommand({ Bucket: endpoint.bucket, Key: key, Body: 'hello s3' }));
      }
      expect(connectionHeaders).toHaveLength(2);
      expect(connectionHeaders).not.toContain('close');
    } finally {
      s3.destroy();
    }
  });
});
