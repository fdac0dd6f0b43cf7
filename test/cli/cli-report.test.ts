import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelProjectVideos, getProjectProgress, startProjectVideos } from '../../src/client';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';
import { stackInfo } from '../helpers/stack-info';
import { waitFor } from '../helpers/wait-for';
import { jsonOf, runCli, stackEnv } from './run-cli';

let h: SceneHarness;
const dir = mkdtempSync(join(tmpdir(), 'scene-video-report-'));

beforeAll(async () => {
  // Luma never leaves its queue: a scene that only Luma may render keeps its project running.
  h = await startSceneHarness({
    scenario: { default: { queueMs: 100, renderMs: 400 }, models: { [sandboxKey('luma')]: { queueMs: 600_000 } } },
  });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('scene-video report', () => {
  it('of a project still running: the page shows what exists and says so, exit 0', async () => {
    const projectId = `report-${Date.now().toString(36)}`;
    const { workflowId } = await startProjectVideos(
      h.client,
      {
        projectId,
        polling: { intervalMs: 200, providerDeadlineMs: 60_000 },
        scenes: [
          { sceneId: 'done', sceneType: 'broll', prompt: 'Calm lake', durationSec: 5, aspectRatio: '16:9' },
          {
            sceneId: 'stuck',
            sceneType: 'broll',
            prompt: 'Forest',
            durationSec: 5,
            aspectRatio: '16:9',
            allowedProviders: ['luma'],
          },
        ],
      },
      { taskQueue: h.taskQueue },
    );
    try {
      await waitFor(async () => {
        const p = await getProjectProgress(h.client, workflowId);
        return p.counts.succeeded === 1 && p.live.stuck?.attempts[0]?.taskId !== undefined;
      }, 60_000);
      const s3 = stackInfo().s3;
      const file = join(dir, 'running.html');
      const run = await runCli(['report', projectId, '--out', file, '--expires', '600', '--json'], {
        ...stackEnv(h.taskQueue),
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      });
      expect(run.code, run.stderr).toBe(0);
      expect(jsonOf(run)).toMatchObject({ path: file, status: 'RUNNING', scenes: 2, clips: 1 });
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('The project is still running: 1 of 2 scenes have ended.');
      expect(html).toMatch(
        /data-scene-id="stuck" data-phase="running"[\s\S]*Rendering…[\s\S]*<dt>Provider<\/dt><dd>Luma Dream Machine · luma<\/dd>[\s\S]*Luma[^<]*<\/b> queued<br><small>running/,
      );
      expect(html).toMatch(/X-Amz-Expires=600/);
      expect(html).toContain('Scenes still running or waiting (1) are not in these totals');
    } finally {
      await cancelProjectVideos(h.client, workflowId);
    }
  });
});
