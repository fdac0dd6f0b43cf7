import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  isCancellation,
  TerminatedFailure,
  TimeoutFailure,
} from '@temporalio/workflow';
import { clipSceneError } from '../contract/payload-limits';
import { sceneEndedTypes, type ProjectSceneStatus } from '../contract/project-workflow';
import type { SceneProgress } from '../contract/scene-workflow';
import { attemptSummaries } from '../domain/project-progress';

/** What a scene's child or its awaitSceneResult activity failed with, without the wrapper. */
function causeOf(err: unknown): unknown {
  return err instanceof ChildWorkflowFailure || err instanceof ActivityFailure ? err.cause : err;
}

function failureOf(err: unknown): ApplicationFailure | undefined {
  const cause = causeOf(err);
  return cause instanceof ApplicationFailure ? cause : undefined;
}

export function failureTypeOf(err: unknown): string | undefined {
  return failureOf(err)?.type ?? undefined;
}

/** The scene's snapshot a failure carries, when it carries one. */
function reportedProgress(err: unknown): SceneProgress | undefined {
  return failureOf(err)?.details?.[0] as SceneProgress | undefined;
}

/** What a failed scene reported it spent; undefined when it reported nothing (the ledger then keeps its allowance). */
export function reportedCharge(err: unknown): number | undefined {
  return reportedProgress(err)?.totalCostUsd;
}

/** A child that was terminated or timed out: its failure carries no snapshot of what it committed. */
export function endedWithoutReport(err: unknown): boolean {
  return (
    err instanceof ChildWorkflowFailure &&
    (err.cause instanceof TerminatedFailure || err.cause instanceof TimeoutFailure)
  );
}

const endedUnknownTypes: string[] = [sceneEndedTypes.terminated, sceneEndedTypes.timedOut, sceneEndedTypes.cancelled];

/** awaitSceneResult's answer for a closed scene that tells what it committed, or why that cannot be known. */
export function isEndedSceneReport(report: unknown): boolean {
  return reportedCharge(report) !== undefined || endedUnknownTypes.includes(failureTypeOf(report) ?? '');
}

export function failedSceneFields(
  err: unknown,
  workflowId: string,
): Pick<ProjectSceneStatus, 'phase' | 'error' | 'costUsd' | 'attempts'> {
  const cause = causeOf(err);
  const cancelled = isCancellation(err) || failureTypeOf(err) === sceneEndedTypes.cancelled;
  const attempts = reportedProgress(err)?.attempts;
  return {
    phase: cancelled ? 'cancelled' : 'failed',
    error: clipSceneError(cause instanceof Error ? cause.message : String(cause), workflowId),
    costUsd: reportedCharge(err) ?? 0,
    ...(Array.isArray(attempts) && { attempts: attemptSummaries(attempts) }),
  };
}
