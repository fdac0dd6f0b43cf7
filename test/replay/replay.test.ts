import { bundleWorkflowCode, DefaultLogger, Worker, type InjectedSinks } from '@temporalio/worker';
import { DeterminismViolationError, type Sinks } from '@temporalio/workflow';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sceneWorkflowBundle } from '../../src/worker/create-worker';
import { committedHistories, historyFiles as files, loadHistory as load } from './committed-histories';

describe('replay of histories recorded on the real dev server (npm run histories:record)', () => {
  it('covers success, fallback, deadline, total failure, cancellation (also during the upload), a client start, projects, budgets, ids, webhooks, provider gates and a bounded gate wait', () => {
    expect(files).toEqual([
      // A budgeted project (allowances, a scene waiting, two skipped) and its first scene (maxCostUsd, 1,500-character
      // prompt): the paths behind patched('project-budget-worst-case'), 'scene-budget-worst-case' and
      // 'provider-prompt-limits'.
      'project-budget-cap.json',
      'project-two-scenes.json',
      // A project since patched('unambiguous-scene-ids'): new child ids with their identity memo, a verified attach.
      'project-unambiguous-ids.json',
      'scene-budget-and-prompt-limits.json',
      // A cancel during the upload, recorded before patched('upload-survives-cancel') and after it.
      'scene-cancel-during-upload-before-patch.json',
      'scene-cancel-during-upload.json',
      'scene-cancelled.json',
      'scene-deadline-then-fallback.json',
      'scene-every-provider-fails.json',
      'scene-fallback-after-failure.json',
      'scene-first-provider-succeeds.json',
      // Since patched('gate-wait-queue-deadline'): a wait at a full gate ended by polling.queueDeadlineMs, the lease
      // withdrawn, then a lease granted at once at the next provider (its wait's timer cancelled).
      'scene-gate-wait-queue-deadline.json',
      // Since patched('poll-through-retries'): Runway's and Kling's tasks looked at through checkTask's retries.
      'scene-poll-through-retries.json',
      // Since patched('provider-gate'), decided before prepareScene: a circuit read and a failure report at a provider
      // without a limit, then a lease; and leases at two limited providers. The breaker is on in both.
      'scene-provider-gate-breaker.json',
      'scene-provider-gate-limit.json',
      'scene-started-by-client.json',
      // Webhooks first: attempts that wait for their PiAPI webhook beside a backstop check, one failed, one delivered.
      'scene-webhooks-fallback.json',
    ]);
  });

  // The traced bundle adds OpenTelemetry's workflow interceptors: headers on what a workflow schedules, no commands.
  it.each(['plain', 'traced'] as const)(
    'replays every history against the current workflow code (%s bundle) without a nondeterminism error',
    async (kind) => {
      const workflowBundle = await sceneWorkflowBundle(kind);
      // A replay calls no sink, but a traced workflow names its span exporter's all the same.
      const sinks: InjectedSinks<Sinks> = kind === 'traced' ? { exporter: { export: { fn: () => undefined } } } : {};
      const histories = committedHistories();
      const results = [];
      for await (const r of Worker.runReplayHistories({ workflowBundle, sinks }, histories)) results.push(r);
      expect(results).toHaveLength(files.length);
      for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
    },
  );

  it('bites: an incompatible change to the workflow fails replay with a nondeterminism error', async () => {
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: join(__dirname, 'fixtures', 'incompatible-workflows.ts'),
      logger: new DefaultLogger('WARN'),
    });
    const err = await Worker.runReplayHistory({ workflowBundle }, load('scene-first-provider-succeeds.json')).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeterminismViolationError);
    expect((err as Error).message).toMatch(/Nondeterminism/i);
  });
});
