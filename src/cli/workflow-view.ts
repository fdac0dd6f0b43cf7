import {
  WorkflowFailedError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import {
  resultPhase,
  sceneWorkflowType,
  type SceneProgress,
  type SceneVideoResult,
  type SceneWorkflow,
} from '../contract/scene-workflow';
import { projectWorkflowType, type ProjectProgress, type ProjectWorkflow } from '../contract/project-workflow';
import { getProjectProgress, type LiveProjectProgress } from '../client/project-videos';
import { getSceneProgress } from '../client/scene-video';
import { CliError, exitCodes, notFound, type ExitCode } from './errors';

/** Where the progress came from: the live query, or (when no worker answers for a closed run) its result or failure. */
export type ProgressSource = 'query' | 'result' | 'failure' | 'none';

interface BaseView {
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, … */
  status: string;
  taskQueue: string;
  startTime: string;
  closeTime?: string;
  progressSource: ProgressSource;
  /** Why no progress could be shown, or how the run failed. */
  note?: string;
}

export interface SceneView extends BaseView {
  kind: 'scene';
  progress?: SceneProgress;
}

export interface ProjectView extends BaseView {
  kind: 'project';
  progress?: LiveProjectProgress;
}

export type WorkflowView = SceneView | ProjectView;

const kinds: Record<string, WorkflowView['kind']> = { [sceneWorkflowType]: 'scene', [projectWorkflowType]: 'project' };

export async function describeWorkflow(
  client: Client,
  workflowId: string,
): Promise<WorkflowExecutionDescription & { kind: WorkflowView['kind'] }> {
  let description;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound(workflowId);
    throw err;
  }
  const kind = kinds[description.type];
  if (!kind) {
    throw new CliError(
      `Workflow "${workflowId}" is a ${description.type}, not a scene or project video workflow.`,
      exitCodes.usage,
    );
  }
  return { ...description, kind };
}

/** A closed run's query needs a worker to replay it; without one, the result or failure is shown after this long. */
const closedQueryTimeoutMs = 3_000;

/**
 * Status plus progress. A running workflow answers the progress query (a worker may be busy: `queryTimeoutMs`); a
 * closed one only while some worker replays it, so the view falls back to the run's result or failure details.
 */
export async function loadView(client: Client, workflowId: string, queryTimeoutMs: number): Promise<WorkflowView> {
  const d = await describeWorkflow(client, workflowId);
  const base = {
    workflowId,
    runId: d.runId,
    status: d.status.name,
    taskQueue: d.taskQueue,
    startTime: d.startTime.toISOString(),
    closeTime: d.closeTime?.toISOString(),
  };
  const deadline = Date.now() + (d.status.name === 'RUNNING' ? queryTimeoutMs : closedQueryTimeoutMs);
  const running = d.status.name === 'RUNNING';
  const noProgress = (err: Error) => ({
    ...base,
    progressSource: 'none' as const,
    note: `no progress yet: ${err.message}. If this persists, is a worker polling task queue "${d.taskQueue}"? (scene-video worker)`,
  });
  // A closed run's outcome (how it failed) comes from its close event; the query, when answered, adds the ranking.
  if (d.kind === 'scene') {
    const queried = await settle(client.withDeadline(deadline, () => getSceneProgress(client, workflowId)));
    if (running) {
      return queried instanceof Error
        ? { ...noProgress(queried), kind: 'scene' }
        : { ...base, kind: 'scene', progress: queried, progressSource: 'query' };
    }
    const closed = await closedScene(client, base);
    return queried instanceof Error ? closed : { ...closed, progress: queried, progressSource: 'query' };
  }
  const queried = await settle(client.withDeadline(deadline, () => getProjectProgress(client, workflowId)));
  if (running) {
    return queried instanceof Error
      ? { ...noProgress(queried), kind: 'project' }
      : { ...base, kind: 'project', progress: queried, progressSource: 'query' };
  }
  const closed = await closedProject(client, base, d.memo);
  return queried instanceof Error ? closed : { ...closed, progress: queried, progressSource: 'query' };
}

function settle<T>(promise: Promise<T>): Promise<T | Error> {
  return promise.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
}

type Base = Omit<BaseView, 'progressSource' | 'note'>;

/** A scene that fails on its own terms attaches its last progress snapshot to the failure. */
export function failureSnapshot(err: WorkflowFailedError): SceneProgress | undefined {
  return err.cause instanceof ApplicationFailure ? (err.cause.details?.[0] as SceneProgress | undefined) : undefined;
}

/**
 * A closed scene's progress from its close event, so without a worker: its result, or the snapshot its failure
 * carries (none for a cancelled, terminated or timed-out run).
 */
export async function closedSceneProgress(
  handle: WorkflowHandle<SceneWorkflow>,
): Promise<{ progress?: SceneProgress; source: ProgressSource; note?: string }> {
  try {
    const result = await handle.result();
    const progress: SceneProgress = {
      sceneId: result.sceneId,
      projectId: result.projectId,
      phase: resultPhase(result),
      ranking: [],
      currentProvider: result.provider,
      attempts: result.attempts,
      totalCostUsd: result.totalCostUsd,
      costByProvider: result.costByProvider,
      result,
    };
    return { progress, source: 'result' };
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const snapshot = failureSnapshot(err);
    return { progress: snapshot, source: snapshot ? 'failure' : 'none', note: err.cause?.message ?? err.message };
  }
}

async function closedScene(client: Client, base: Base): Promise<SceneView> {
  const closed = await closedSceneProgress(client.workflow.getHandle<SceneWorkflow>(base.workflowId));
  return { ...base, kind: 'scene', progress: closed.progress, progressSource: closed.source, note: closed.note };
}

async function closedProject(client: Client, base: Base, memo?: Record<string, unknown>): Promise<ProjectView> {
  try {
    const result = await client.workflow.getHandle<ProjectWorkflow>(base.workflowId).result();
    return { ...base, kind: 'project', progress: { ...result, live: {} }, progressSource: 'result' };
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    // A cancelled project keeps what it committed in its memo, readable without a worker.
    const cancelled = memo?.cancelled as { totalCostUsd?: number } | undefined;
    const committed = cancelled?.totalCostUsd !== undefined ? `; $${cancelled.totalCostUsd} committed (memo)` : '';
    return {
      ...base,
      kind: 'project',
      progressSource: 'none',
      note: `${err.cause?.message ?? err.message}${committed}`,
    };
  }
}

/**
 * A project succeeded only when every scene has its clip stored: a failed or budget-skipped scene leaves the video
 * incomplete (1); a scene generated but not stored (its clip only at an expiring provider URL) is 4.
 */
export function projectExitCode(p: ProjectProgress): ExitCode {
  if (p.counts.failed + (p.counts.cancelled ?? 0) + p.counts.skipped > 0) return exitCodes.failed;
  return (p.counts.unstored ?? 0) > 0 ? exitCodes.notStored : exitCodes.ok;
}

/** A finished scene: 0 with its clip in S3, 4 when only the provider's URL holds it. */
export function sceneExitCode(result: Pick<SceneVideoResult, 'stored'>): ExitCode {
  return resultPhase(result) === 'succeeded' ? exitCodes.ok : exitCodes.notStored;
}

/** The exit code for a workflow that has closed. */
export function finishedExitCode(view: WorkflowView): ExitCode {
  if (view.status !== 'COMPLETED') return exitCodes.failed;
  if (view.kind === 'project') return view.progress ? projectExitCode(view.progress) : exitCodes.ok;
  return view.progress?.phase === 'unstored' ? exitCodes.notStored : exitCodes.ok;
}

/** The warning a person must not miss: clips paid for whose only copy is a provider URL that expires. */
export function unstoredWarning(count: number): string {
  return (
    `${count} clip(s) generated and paid for but NOT stored in S3: only the provider URL holds each, and it expires. ` +
    'Download them now; fix storage (the worker checks it at start) before the next run.'
  );
}
