import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  RetryState,
  TerminatedFailure,
  TimeoutFailure,
  TimeoutType,
} from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { sceneEndedTypes } from '../../src/contract/project-workflow';
import { failureTypes } from '../../src/contract/scene-workflow';
import {
  endedWithoutReport,
  failedSceneFields,
  failureTypeOf,
  isEndedSceneReport,
  reportedCharge,
} from '../../src/workflows/project-scene-failure';

const child = (cause: Error) =>
  new ChildWorkflowFailure(
    'default',
    { workflowId: 'scene-video:p:s', runId: 'r' },
    'generateSceneVideo',
    RetryState.NON_RETRYABLE_FAILURE,
    cause,
  );
const activity = (cause: Error) =>
  new ActivityFailure('failed', 'awaitSceneResult', '1', RetryState.NON_RETRYABLE_FAILURE, 'worker', cause);
const snapshot = (totalCostUsd: number) => ({ sceneId: 's', totalCostUsd });
const budgetStop = ApplicationFailure.nonRetryable('over budget', failureTypes.budgetExhausted, snapshot(0.4));

describe("how a project reads a scene's failure", () => {
  it('finds the type and the reported cost through a child or an activity failure', () => {
    expect(failureTypeOf(child(budgetStop))).toBe(failureTypes.budgetExhausted);
    expect(reportedCharge(child(budgetStop))).toBe(0.4);
    const ended = ApplicationFailure.nonRetryable('scene failed', sceneEndedTypes.failed, snapshot(0.2));
    expect(failureTypeOf(activity(ended))).toBe(sceneEndedTypes.failed);
    expect(reportedCharge(activity(ended))).toBe(0.2);
  });

  it('reads no cost where the scene reported none', () => {
    expect(reportedCharge(child(new TerminatedFailure('terminated')))).toBeUndefined();
    expect(reportedCharge(ApplicationFailure.nonRetryable('no details', 'X'))).toBeUndefined();
    expect(failureTypeOf(new Error('plain'))).toBeUndefined();
  });

  it('tells a terminated or timed-out child, which reports nothing, from one that failed with its snapshot', () => {
    expect(endedWithoutReport(child(new TerminatedFailure('terminated')))).toBe(true);
    expect(endedWithoutReport(child(new TimeoutFailure('timed out', undefined, TimeoutType.START_TO_CLOSE)))).toBe(
      true,
    );
    expect(endedWithoutReport(child(budgetStop))).toBe(false);
    expect(endedWithoutReport(activity(new TerminatedFailure('terminated')))).toBe(false);
  });

  it("takes awaitSceneResult's answer for a closed scene when it carries a cost or says why none can be read", () => {
    expect(
      isEndedSceneReport(activity(ApplicationFailure.nonRetryable('x', sceneEndedTypes.failed, snapshot(0.1)))),
    ).toBe(true);
    expect(isEndedSceneReport(activity(ApplicationFailure.nonRetryable('x', sceneEndedTypes.terminated)))).toBe(true);
    expect(isEndedSceneReport(activity(ApplicationFailure.nonRetryable('x', sceneEndedTypes.timedOut)))).toBe(true);
    expect(isEndedSceneReport(activity(ApplicationFailure.nonRetryable('x', sceneEndedTypes.cancelled)))).toBe(true);
    expect(isEndedSceneReport(activity(ApplicationFailure.nonRetryable('x', sceneEndedTypes.notFound)))).toBe(false);
    expect(isEndedSceneReport(new Error('worker lost'))).toBe(false);
  });

  it("fills the scene's row: failed or cancelled, the cause's message clipped, the reported cost and attempts", () => {
    expect(failedSceneFields(child(budgetStop), 'scene-video:p:s')).toEqual({
      phase: 'failed',
      error: 'over budget',
      costUsd: 0.4,
    });
    const cancelled = ApplicationFailure.nonRetryable('cancelled', sceneEndedTypes.cancelled, snapshot(0.1));
    expect(failedSceneFields(activity(cancelled), 'w')).toEqual({
      phase: 'cancelled',
      error: 'cancelled',
      costUsd: 0.1,
    });
    expect(failedSceneFields(new CancelledFailure('cancelled'), 'w')).toMatchObject({ phase: 'cancelled', costUsd: 0 });
    const attempts = [
      {
        provider: 'kling',
        state: 'failed',
        reason: 'content_policy_input',
        error: 'refused',
        costUsd: 0,
        startedAt: 't',
      },
    ];
    const refused = ApplicationFailure.nonRetryable('refused', sceneEndedTypes.failed, { ...snapshot(0), attempts });
    expect(failedSceneFields(activity(refused), 'w').attempts).toEqual([
      { provider: 'kling', state: 'failed', reason: 'content_policy_input', costUsd: 0 },
    ]);
    const long = failedSceneFields(child(ApplicationFailure.nonRetryable('x'.repeat(600), 'X')), 'scene-video:p:s');
    expect(long.error).toMatch(/^x{500}… \(the whole message: scene-video status scene-video:p:s\)$/);
  });
});
