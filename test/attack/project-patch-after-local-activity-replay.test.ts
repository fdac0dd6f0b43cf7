/**
 * Attack on replay determinism after the merges of issue #12 (defects 1, 2 and 4). Every new project run records
 * `patched('project-cancel-cancels-scenes')` BEFORE its prepareProject local activity, and the patches
 * 'unambiguous-scene-ids' and 'project-budget-worst-case' AFTER it. The first workflow task then completes with
 * [patch, upsert, local-activity marker] and the other two patch markers land in the NEXT workflow task (this is what
 * the server records on a normal run: histories/project-budget-killed-worker.json, events 5–16, captured from a live
 * budgeted project). On replay (a worker restart, a cache eviction) the local activity resolves while only the first
 * task's patch is known, so patched('unambiguous-scene-ids') answers false, and core fails every workflow task with
 * "[TMPRL1100] Nondeterminism error: Non-deprecated patch marker encountered for change unambiguous-scene-ids, but
 * there is no corresponding change command!". The project is stuck for good while its scenes finish unrecorded.
 *
 * The committed fixtures (test/replay/histories) were recorded on the branches before the merge: none holds the
 * cancel patch before the local activity, so `npm test` replay stays green.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { sceneWorkflowBundle } from '../../src/create-worker';

it('a budgeted project recorded by the current code replays against the current code', async () => {
  const history = historyFromJSON(
    JSON.parse(readFileSync(join(__dirname, 'histories', 'project-budget-killed-worker.json'), 'utf8')),
  );
  const workflowBundle = await sceneWorkflowBundle();
  const err = await Worker.runReplayHistory({ workflowBundle }, history).catch((e: unknown) => e);
  expect(String(err ?? '')).not.toMatch(/Nondeterminism/);
  expect(err).toBeUndefined();
}, 120_000);
