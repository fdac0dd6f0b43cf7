import { Client, Connection, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { InputTooLargeError, startProjectVideos, waitForProjectVideos } from '../../../src/client';
import {
  encodedJsonBytes,
  inputTooLarge,
  payloadLimits,
  projectSceneErrorChars,
} from '../../../src/contract/payload-limits';
import { failureTypes } from '../../../src/contract/scene-workflow';
import { generateProjectVideos } from '../../../src/workflows';
import type { ProjectInput } from '../../../src/contract/project-input';
import { projectWorkflowId } from '../../../src/contract/workflow-ids';
import { largestSchemaProject, markerOverflowProject, projectAtLimit } from '../cases/large-projects';
import type { ChaosStack } from '../lib/chaos-stack';
import { startLane } from '../lib/lane';
import { emptyReport, type ScenarioReport } from '../lib/report';
import { runTag } from '../lib/scenes';

const failFastMs = 15_000;
/** What the Temporal client accepts in one reply; a history is fetched in pages, but it should not come near it. */
const clientReplyLimitBytes = 4 * 1024 * 1024;
const EventType = temporal.api.enums.v1.EventType;

export interface PayloadLimitsOptions {
  /** Scenes of the project that must run at the size limit (500, the schema's maximum, in the full run). */
  scenesAtLimit: number;
  /** Its prompts' character: 'a' (one byte) fills 500 scenes; '語' (three) reaches the limit with 100. */
  char?: string;
  /** Scenes of a project in which every provider fails with a long message (500 in the full run). */
  failingScenes: number;
}

export interface HistoryFigures {
  events: number;
  bytes: number;
  markerBytes: number;
}

export async function historyFigures(client: Client, workflowId: string): Promise<HistoryFigures> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const size = (e: temporal.api.history.v1.IHistoryEvent) =>
    temporal.api.history.v1.HistoryEvent.encode(e).finish().length;
  return {
    events: events.length,
    bytes: temporal.api.history.v1.History.encode(history).finish().length,
    markerBytes: events
      .filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED)
      .reduce((s, e) => s + size(e), 0),
  };
}

const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;

/**
 * Projects at and beyond the payload limits: the largest one the schema accepts is refused by the client before
 * anything starts, naming the limit; one started by a raw client (under the server's 2 MiB, over ours) fails fast in
 * the worker with the same message, never TERMINATED; one just within the limit runs every scene, and its history stays
 * fetchable.
 */
export async function payloadLimitsScenario(stack: ChaosStack, opts: PayloadLimitsOptions): Promise<ScenarioReport> {
  const report = emptyReport('payload limits');
  const tag = runTag('p');
  const lane = await startLane(stack, { scenario: { default: { queueMs: 20, renderMs: 100 } }, routes: ['piapi'] });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.namespace });
  const cases: [string, () => Promise<string[]>][] = [
    ['largest project the schema accepts, via the client', () => refusedByClient(client, `${tag}-max`, lane.taskQueue)],
    ['over the limit, started by a raw client', () => failsFast(client, `${tag}-raw`, lane.taskQueue, report)],
    [
      `${opts.scenesAtLimit} scenes at the limit`,
      () => runsAtLimit(client, `${tag}-fit`, lane.taskQueue, opts, report),
    ],
    [
      `${opts.failingScenes} failing scenes, long provider messages`,
      () => failingProject(stack, client, `${tag}-fail`, opts.failingScenes, report),
    ],
  ];
  try {
    for (const [name, run] of cases) {
      const problems = await run().catch((err: unknown) => [`crashed: ${(err as Error).stack ?? String(err)}`]);
      report.figures.push(`${problems.length === 0 ? '✓' : '✗'} ${name}`);
      report.problems.push(...problems.map((p) => `${name}: ${p}`));
      if (problems.length === 0) report.completed++;
    }
    report.scenes = cases.length;
    report.faults = 2 + opts.failingScenes;
    return report;
  } finally {
    await connection.close();
    await lane.close();
  }
}

async function exists(client: Client, workflowId: string): Promise<boolean> {
  return client.workflow
    .getHandle(workflowId)
    .describe()
    .then(() => true)
    .catch((e: unknown) => !(e instanceof WorkflowNotFoundError));
}

async function refusedByClient(client: Client, projectId: string, taskQueue: string): Promise<string[]> {
  const project = largestSchemaProject(projectId);
  const err = await startProjectVideos(client, project, { taskQueue }).then(
    () => undefined,
    (e: unknown) => e,
  );
  const problems: string[] = [];
  if (!(err instanceof InputTooLargeError)) problems.push(`client: ${err === undefined ? 'started it' : String(err)}`);
  else if (err.message !== inputTooLarge('project', project)) problems.push(`client message: ${err.message}`);
  if (await exists(client, projectWorkflowId(projectId))) problems.push('a workflow exists after the refusal');
  return problems;
}

async function failsFast(
  client: Client,
  projectId: string,
  taskQueue: string,
  report: ScenarioReport,
): Promise<string[]> {
  const project = markerOverflowProject(projectId);
  const workflowId = projectWorkflowId(projectId);
  const started = Date.now();
  const handle = await client.workflow.start(generateProjectVideos, { taskQueue, workflowId, args: [project] });
  const outcome = await Promise.race([
    handle.result().then(
      () => 'completed',
      (e: unknown) => e,
    ),
    new Promise((r) => setTimeout(() => r('timeout'), failFastMs)),
  ]);
  const { status } = await handle.describe();
  const elapsed = Date.now() - started;
  report.figures.push(
    `  raw start of ${encodedJsonBytes(project).toLocaleString('en-US')} bytes: ${status.name} after ${elapsed} ms`,
  );
  if (outcome === 'timeout') {
    await handle.terminate('chaos: did not fail fast').catch(() => undefined);
    return [`did not end within ${failFastMs} ms`];
  }
  if (!(outcome instanceof WorkflowFailedError) || !(outcome.cause instanceof ApplicationFailure))
    return [`ended ${status.name}: ${outcome instanceof Error ? outcome.message : String(outcome)}`];
  const problems: string[] = [];
  if (outcome.cause.type !== failureTypes.invalidProjectInput) problems.push(`failure type ${outcome.cause.type}`);
  if (!outcome.cause.nonRetryable) problems.push('failure is retryable');
  if (outcome.cause.message !== inputTooLarge('project', project))
    problems.push(`message "${outcome.cause.message}" is not the client's`);
  const events = (await handle.fetchHistory()).events ?? [];
  const children = events.filter((e) => e.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
  if (children.length > 0) problems.push(`${children.length} scene(s) started`);
  return problems;
}

async function runsAtLimit(
  client: Client,
  projectId: string,
  taskQueue: string,
  opts: PayloadLimitsOptions,
  report: ScenarioReport,
): Promise<string[]> {
  const project: ProjectInput = projectAtLimit(projectId, opts.scenesAtLimit, opts.char);
  const bytes = encodedJsonBytes(project);
  const started = Date.now();
  const { workflowId } = await startProjectVideos(client, project, { taskQueue });
  const result = await waitForProjectVideos(client, workflowId);
  const wallMs = Date.now() - started;
  const h = await historyFigures(client, workflowId);
  report.figures.push(
    `  ${opts.scenesAtLimit} scenes, prompts of ${project.scenes[0]!.prompt.length} characters, input ${bytes.toLocaleString('en-US')} bytes ` +
      `(limit ${payloadLimits.projectInputBytes.toLocaleString('en-US')}): ${result.counts.succeeded} succeeded in ${(wallMs / 1000).toFixed(1)} s; ` +
      `project history ${h.events} events, ${kb(h.bytes)} (marker ${kb(h.markerBytes)}), result ${kb(encodedJsonBytes(result))}`,
  );
  const problems: string[] = [];
  if (result.counts.succeeded !== opts.scenesAtLimit)
    problems.push(
      `${result.counts.succeeded}/${opts.scenesAtLimit} scenes succeeded: ${JSON.stringify(result.counts)}`,
    );
  if (h.bytes > clientReplyLimitBytes * 0.9) problems.push(`history is ${h.bytes} bytes, near the client's 4 MiB`);
  // Recorded whole, the marker was larger than the input itself; without the prompts it is the scenes' small fields.
  if (h.markerBytes > bytes / 4)
    problems.push(`the prepareProject marker is ${h.markerBytes} bytes for ${bytes} of input`);
  return problems;
}

/** A provider's failure message as long as a real one can be (PiAPI passes the model's text through). */
const longMessage = `The model could not render this prompt: ${'the requested motion is outside what it supports; '.repeat(9)}`;

async function failingProject(
  stack: ChaosStack,
  client: Client,
  projectId: string,
  scenes: number,
  report: ScenarioReport,
): Promise<string[]> {
  const lane = await startLane(stack, {
    scenario: { default: { queueMs: 20, renderMs: 100, faults: [{ kind: 'task_failed', message: longMessage }] } },
    routes: ['piapi'],
  });
  try {
    const project: ProjectInput = {
      projectId,
      maxConcurrentScenes: 50,
      polling: { intervalMs: 100, providerDeadlineMs: 60_000 },
      scenes: Array.from({ length: scenes }, (_, i) => ({
        sceneId: `f${i}`,
        sceneType: 'broll',
        prompt: 'Calm forest background',
        durationSec: 5,
        aspectRatio: '16:9' as const,
        allowedProviders: ['kling', 'luma', 'hailuo'],
      })),
    };
    const started = Date.now();
    const { workflowId } = await startProjectVideos(client, project, { taskQueue: lane.taskQueue });
    const result = await waitForProjectVideos(client, workflowId);
    const h = await historyFigures(client, workflowId);
    const longest = Math.max(...result.scenes.map((s) => s.error?.length ?? 0));
    report.figures.push(
      `  ${scenes} scenes failing on 3 providers each: ${result.counts.failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
        `result ${kb(encodedJsonBytes(result))}, longest scene error ${longest} characters; history ${h.events} events, ${kb(h.bytes)}`,
    );
    const problems: string[] = [];
    if (result.counts.failed !== scenes)
      problems.push(`${result.counts.failed}/${scenes} failed: ${JSON.stringify(result.counts)}`);
    // The clipped message names where the whole one is: the scene's workflow id (at most ~150 characters more).
    if (longest > projectSceneErrorChars + 200) problems.push(`a scene's error in the result is ${longest} characters`);
    const full = await client.workflow
      .getHandle(result.scenes[0]!.workflowId)
      .result()
      .catch((e: unknown) => e);
    const cause = full instanceof WorkflowFailedError ? full.cause?.message : undefined;
    if (!cause?.includes(longMessage.trim().slice(0, 60)))
      problems.push("the scene's own failure lost the provider's message");
    return problems;
  } finally {
    await lane.close();
  }
}
