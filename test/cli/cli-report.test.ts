import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelProjectVideos,
  getProjectProgress,
  startProjectVideos,
  startSceneVideo,
  waitForProjectVideos,
  waitForSceneVideo,
} from '../../src/client';
import { loadContactSheet } from '../../src/cli/commands/report';
import { defaultCatalogue } from '../../src/config/catalogue';
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

  describe('of a finished project with a scene refused for identity', () => {
    const polling = { intervalMs: 200, providerDeadlineMs: 60_000 };
    const scene = (sceneId: string, prompt: string) => ({
      sceneId,
      sceneType: 'hook',
      prompt,
      durationSec: 5,
      aspectRatio: '16:9' as const,
      // Luma never leaves its queue in this file's sandbox.
      allowedProviders: ['kling'],
    });
    let projectId: string;
    const s3Env = () => {
      const s3 = stackInfo().s3;
      return {
        ...stackEnv(h.taskQueue),
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      };
    };

    beforeAll(async () => {
      projectId = `report-refused-${Date.now().toString(36)}`;
      // The scene's id already holds a run of other content (its prompt was edited since): the project refuses it.
      const old = await startSceneVideo(
        h.client,
        { ...scene('edited', 'The old cut: a red car'), projectId, polling },
        { taskQueue: h.taskQueue },
      );
      expect((await waitForSceneVideo(h.client, old.workflowId)).stored).toBe(true);
      const { workflowId } = await startProjectVideos(
        h.client,
        {
          projectId,
          polling,
          scenes: [
            scene('edited', 'The new cut: a blue boat'),
            scene('fresh', 'A calm lake'),
            // Refused by the sandbox's moderation: a scene that failed on its own, under its own run.
            scene('refused', 'A forbidden shot'),
          ],
        },
        { taskQueue: h.taskQueue },
      );
      const result = await waitForProjectVideos(h.client, workflowId);
      expect(result.scenes.map((s) => s.phase)).toEqual(['failed', 'succeeded', 'failed']);
      expect(result.scenes[0]!.error).toMatch(/refusing to attach/);
    }, 90_000);

    it("shows neither the other run's clip nor its attempts on the refused scene's card", async () => {
      const sheet = await loadContactSheet(h.client, h.s3, projectId, {
        expiresInSec: 600,
        catalogue: defaultCatalogue,
      });
      const [edited, fresh, refused] = sheet.scenes;
      expect(edited!.asked?.prompt).toBe('The new cut: a blue boat');
      expect(edited!.clipUrl).toBeUndefined();
      expect(edited!.result).toBeUndefined();
      expect(edited!.attempts).toEqual([]);
      expect(fresh!.clipUrl).toMatch(/X-Amz-Expires=600/);
      // A scene that failed under its own run keeps its attempts.
      expect(refused!.attempts.map((a) => [a.provider, a.state])).toEqual([['kling', 'failed']]);
    });

    it('without S3 credentials to sign the clip URLs says so and what to set, exit 2 as `url` does', async () => {
      const { S3_ACCESS_KEY_ID: _, S3_SECRET_ACCESS_KEY: __, ...env } = s3Env();
      const run = await runCli(['report', projectId, '--out', join(dir, 'nocreds.html'), '--json'], {
        ...env,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
        AWS_CONFIG_FILE: join(dir, 'none'),
      });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/Cannot sign the URL: no S3 credentials/);
      expect(run.stderr).toMatch(/Set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/);
    });
  });
});
