import { Client, Connection, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { InvalidInputError, startProjectVideos, startSceneVideo } from '../../../src/client';
import { generateProjectVideos, generateSceneVideo } from '../../../src/workflows';
import type { ProjectInput } from '../../../src/contract/project-input';
import { projectWorkflowId, sceneWorkflowId } from '../../../src/contract/workflow-ids';
import type { SceneInput } from '../../../src/contract/scene-input';
import { badInputCases, type BadInputCase } from '../cases/bad-inputs';
import type { ChaosStack } from '../lib/chaos-stack';
import { startLane } from '../lib/lane';
import { pool } from '../lib/pool';
import { emptyReport, type ScenarioReport } from '../lib/report';
import { runTag } from '../lib/scenes';
import { auditStorage } from '../lib/storage-audit';

const failFastMs = 15_000;

/**
 * Every invalid scene and project twice: through the client, which must refuse it with a specific message and start
 * nothing; and straight to the workflow, which must fail at once, non-retryably, before any provider is called.
 * The worker has only PiAPI keys, so Runway is known to the catalogue but not configured.
 */
export async function badInput(stack: ChaosStack): Promise<ScenarioReport> {
  const report = emptyReport('bad input');
  const tag = runTag('b');
  const cases = badInputCases(tag);
  const lane = await startLane(stack, { scenario: {}, routes: ['piapi'] });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  // No worker polls this queue: whatever the client wrongly starts stays visible there.
  const refusedQueue = `chaos-${tag}-refused`;
  try {
    const problems = await pool(cases, 8, async (c, i) => {
      const own = [
        ...(await viaClient(client, c, refusedQueue, lane.taskQueue)),
        ...(await direct(client, c, `${tag}-direct-${i}`, lane.taskQueue)),
      ];
      report.figures.push(
        `${own.length === 0 ? '✓' : '✗'} ${c.kind}: ${c.name}${c.client === 'worker-only' ? ' (caught by the worker only)' : ''}`,
      );
      return own.map((p) => `${c.kind} "${c.name}": ${p}`);
    });
    report.scenes = cases.length;
    report.faults = cases.length;
    report.completed = problems.filter((p) => p.length === 0).length;
    report.problems.push(...problems.flat());

    const started = await client.workflow.count(`TaskQueue = '${refusedQueue}'`);
    if (started.count > 0) report.problems.push(`${started.count} workflow(s) started from refused input`);
    const tasks = lane.sandbox.stats().tasks.length;
    if (tasks > 0) report.problems.push(`${tasks} provider task(s) created from invalid input`);
    const storage = await auditStorage(lane.s3, lane.bucket, lane.prefix, []);
    if (storage.objects > 0) report.problems.push(`${storage.objects} S3 object(s) stored from invalid input`);
    report.figures.push(
      `${cases.length} invalid inputs (${cases.filter((c) => c.kind === 'scene').length} scenes, ` +
        `${cases.filter((c) => c.kind === 'project').length} projects); ${cases.filter((c) => c.client === 'worker-only').length} only the worker can refuse; ` +
        `workflows started from refused input: ${started.count}, provider tasks: ${tasks}, S3 objects: ${storage.objects}`,
    );
    return report;
  } finally {
    await connection.close();
    await lane.close();
  }
}

function workflowIdOf(c: BadInputCase): string | undefined {
  const i = c.input as Record<string, unknown> | null;
  if (typeof i?.projectId === 'string' && c.kind === 'project') return projectWorkflowId(i.projectId);
  if (typeof i?.sceneId !== 'string') return undefined;
  return sceneWorkflowId(i.sceneId, typeof i.projectId === 'string' ? i.projectId : undefined);
}

async function viaClient(
  client: Client,
  c: BadInputCase,
  refusedQueue: string,
  workerQueue: string,
): Promise<string[]> {
  if (c.client === 'worker-only') {
    // The client cannot know the worker's keys: it starts the scene, which must then fail like a direct run.
    const { handle } = await startSceneVideo(client, c.input as SceneInput, { taskQueue: workerQueue });
    return expectFailure(client, c, handle.workflowId);
  }
  try {
    if (c.kind === 'scene') await startSceneVideo(client, c.input as SceneInput, { taskQueue: refusedQueue });
    else await startProjectVideos(client, c.input as ProjectInput, { taskQueue: refusedQueue });
    return ['the client accepted it'];
  } catch (err) {
    const problems: string[] = [];
    if (!(err instanceof InvalidInputError))
      problems.push(`client threw ${(err as Error).name}: ${(err as Error).message}`);
    else if (!c.client.test(err.message))
      problems.push(`client message "${err.message.slice(0, 300)}" does not match ${c.client}`);
    else if (err.message.length > 1_000) problems.push(`client message is ${err.message.length} characters long`);
    const id = workflowIdOf(c);
    if (id !== undefined) {
      const exists = await client.workflow
        .getHandle(id)
        .describe()
        .then(() => true)
        .catch((e: unknown) => !(e instanceof WorkflowNotFoundError));
      if (exists) problems.push(`a workflow ${id} exists after the client refused the input`);
    }
    return problems;
  }
}

async function direct(client: Client, c: BadInputCase, workflowId: string, taskQueue: string): Promise<string[]> {
  const workflow = c.kind === 'scene' ? generateSceneVideo : generateProjectVideos;
  await client.workflow.start(workflow as typeof generateSceneVideo, {
    taskQueue,
    workflowId,
    args: [c.input as SceneInput],
  });
  return expectFailure(client, c, workflowId);
}

async function expectFailure(client: Client, c: BadInputCase, workflowId: string): Promise<string[]> {
  const started = Date.now();
  const handle = client.workflow.getHandle(workflowId);
  const outcome = await Promise.race([
    handle.result().then(
      () => 'completed' as const,
      (err: unknown) => err,
    ),
    new Promise((r) => setTimeout(() => r('timeout'), failFastMs)),
  ]);
  if (outcome === 'timeout') {
    await handle.terminate('chaos: did not fail fast').catch(() => undefined);
    return [`workflow did not fail within ${failFastMs} ms`];
  }
  if (!(outcome instanceof WorkflowFailedError) || !(outcome.cause instanceof ApplicationFailure)) {
    return [`workflow ended with ${outcome instanceof Error ? outcome.message : String(outcome)}`];
  }
  const cause = outcome.cause;
  const problems: string[] = [];
  if (cause.type !== c.workflow.type) problems.push(`failure type ${cause.type}, expected ${c.workflow.type}`);
  if (!cause.nonRetryable) problems.push('failure is retryable');
  if (!c.workflow.message.test(cause.message))
    problems.push(`failure "${cause.message.slice(0, 300)}" does not match ${c.workflow.message}`);
  const events = (await handle.fetchHistory()).events ?? [];
  const creates = events.filter(
    (e) =>
      e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
      e.activityTaskScheduledEventAttributes?.activityType?.name === 'createTask',
  );
  if (creates.length > 0) problems.push('a provider task was requested before the input was refused');
  const elapsed = Date.now() - started;
  if (elapsed > failFastMs) problems.push(`took ${elapsed} ms to fail`);
  return problems;
}
