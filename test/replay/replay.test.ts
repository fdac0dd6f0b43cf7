import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sceneWorkflowBundle } from '../../src/create-worker';

const dir = join(__dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const load = (file: string) => historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));

describe('replay of histories recorded on the real dev server (npm run histories:record)', () => {
  it('covers success, fallback, deadline, total failure, cancellation (also during the upload, before and after its patch), a client start and a project', () => {
    expect(files.sort()).toEqual([
      'project-two-scenes.json',
      'scene-cancel-during-upload-before-patch.json',
      'scene-cancel-during-upload.json',
      'scene-cancelled.json',
      'scene-deadline-then-fallback.json',
      'scene-every-provider-fails.json',
      'scene-fallback-after-failure.json',
      'scene-first-provider-succeeds.json',
      'scene-started-by-client.json',
    ]);
  });

  it('replays every history against the current workflow code without a nondeterminism error', async () => {
    const workflowBundle = await sceneWorkflowBundle();
    const histories = files.map((file) => ({ workflowId: file, history: load(file) }));
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle }, histories)) results.push(r);
    expect(results).toHaveLength(files.length);
    for (const r of results) expect(r.error, `${r.workflowId}: ${String(r.error)}`).toBeUndefined();
  });

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
