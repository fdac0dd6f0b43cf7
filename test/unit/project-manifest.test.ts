import { describe, expect, it } from 'vitest';
import { encodedJsonBytes } from '../../src/contract/payload-limits';
import { projectManifestSchema } from '../../src/contract/project-manifest';
import type { ProjectSceneStatus } from '../../src/contract/project-workflow';
import { buildProjectManifest, type ManifestSource } from '../../src/domain/project-manifest';
import { projectProgress } from '../../src/domain/project-progress';
import { manifestKeyFor } from '../../src/activities/write-project-manifest';

const header = { projectId: 'launch', budgetUsd: 5, maxConcurrentScenes: 2 };
const stored = (sceneId: string, provider: string, costUsd: number): ProjectSceneStatus => ({
  sceneId,
  sceneType: 'hook',
  workflowId: `scene-video:launch:${sceneId}`,
  aspectRatio: '9:16',
  phase: 'succeeded',
  provider,
  s3Key: `videos/launch/${sceneId}/${provider}-t.mp4`,
  objectUrl: `http://s3.local/clips/videos/launch/${sceneId}/${provider}-t.mp4`,
  durationSec: 5,
  attempts: [{ provider, state: 'uploaded', reason: 'succeeded', costUsd }],
  costUsd,
});
const rows: ProjectSceneStatus[] = [
  {
    ...stored('s1', 'luma', 0.35),
    attempts: [
      { provider: 'kling', state: 'failed', reason: 'task_failed', costUsd: 0.1 },
      { provider: 'luma', state: 'uploaded', reason: 'succeeded', costUsd: 0.25 },
    ],
  },
  {
    sceneId: 's2',
    sceneType: 'product',
    workflowId: 'scene-video:launch:s2',
    aspectRatio: '16:9',
    phase: 'failed',
    attempts: [{ provider: 'kling', state: 'failed', reason: 'content_policy_input', costUsd: 0 }],
    costUsd: 0,
    error: 'every provider refused the prompt',
  },
  {
    sceneId: 's3',
    sceneType: 'cta',
    workflowId: 'scene-video:launch:s3',
    aspectRatio: '1:1',
    phase: 'skipped',
    costUsd: 0,
    error: 'skipped: the budget has $0.10 left',
    budget: 'skipped',
  },
  // Attached from a run before attempts were recorded: its charge still counts under its provider.
  { ...stored('s4', 'hailuo', 0.2), attempts: undefined },
];
const input = (scenes = rows): ManifestSource => ({
  workflowId: 'project-video-launch',
  runId: 'run-1',
  finishedAt: '2026-12-06T10:00:00.000Z',
  models: { kling: 'kling-v2', luma: 'ray-2' },
  progress: projectProgress(header, scenes, undefined),
  bucket: 'clips',
});

describe('the project manifest', () => {
  it('lists every scene in project order with its clip, length, aspect, provider, model, attempts and cost', () => {
    const manifest = buildProjectManifest(input());
    expect(projectManifestSchema.parse(manifest)).toEqual(manifest);
    expect(manifest).toMatchObject({
      schemaVersion: 1,
      projectId: 'launch',
      workflowId: 'project-video-launch',
      runId: 'run-1',
      finishedAt: '2026-12-06T10:00:00.000Z',
      bucket: 'clips',
      budgetUsd: 5,
    });
    expect(manifest.scenes.map((s) => s.sceneId)).toEqual(['s1', 's2', 's3', 's4']);
    expect(manifest.scenes[0]).toEqual({
      sceneId: 's1',
      sceneType: 'hook',
      workflowId: 'scene-video:launch:s1',
      phase: 'succeeded',
      key: 'videos/launch/s1/luma-t.mp4',
      url: 'http://s3.local/clips/videos/launch/s1/luma-t.mp4',
      durationSec: 5,
      aspectRatio: '9:16',
      provider: 'luma',
      model: 'ray-2',
      attempts: [
        { provider: 'kling', model: 'kling-v2', state: 'failed', reason: 'task_failed', costUsd: 0.1 },
        { provider: 'luma', model: 'ray-2', state: 'uploaded', reason: 'succeeded', costUsd: 0.25 },
      ],
      costUsd: 0.35,
    });
  });

  it('says why a scene failed or was skipped', () => {
    const [, failed, skipped] = buildProjectManifest(input()).scenes;
    expect(failed).toMatchObject({ phase: 'failed', reason: 'every provider refused the prompt', costUsd: 0 });
    expect(failed).not.toHaveProperty('key');
    expect(skipped).toEqual({
      sceneId: 's3',
      sceneType: 'cta',
      workflowId: 'scene-video:launch:s3',
      phase: 'skipped',
      aspectRatio: '1:1',
      attempts: [],
      costUsd: 0,
      reason: 'skipped: the budget has $0.10 left',
      budget: 'skipped',
    });
  });

  it("totals as the project's result does, with spend per provider adding up to the total", () => {
    const { totals } = buildProjectManifest(input());
    expect(totals).toEqual({
      scenes: 4,
      costUsd: 0.55,
      costByProviderUsd: { hailuo: 0.2, kling: 0.1, luma: 0.25 },
      counts: { pending: 0, running: 0, succeeded: 2, unstored: 0, failed: 1, cancelled: 0, skipped: 1 },
    });
  });

  it('is the same bytes for the same input, so a retried write stores the same object', () => {
    const bytes = () => JSON.stringify(buildProjectManifest(input()));
    expect(bytes()).toBe(bytes());
  });

  it('stays well within one payload for a 500-scene project whose scenes all failed after three attempts', () => {
    const worst = Array.from({ length: 500 }, (_, i) => ({
      ...rows[1]!,
      sceneId: `scene-${String(i).padStart(3, '0')}-with-a-long-descriptive-name`,
      workflowId: `scene-video:launch:scene-${i}-with-a-long-descriptive-name`,
      attempts: ['kling', 'luma', 'hailuo'].map((provider) => ({
        provider,
        state: 'failed' as const,
        reason: 'content_policy_output' as const,
        costUsd: 0.123456,
      })),
      error: `${'x'.repeat(500)}… (the whole message: scene-video status scene-video:launch:scene-${i})`,
    }));
    const { progress, bucket: _bucket, ...activityInput } = input(worst);
    // The rows reach the activity through the project's query, not its input, which the history records.
    expect(encodedJsonBytes(activityInput)).toBeLessThan(1024);
    expect(encodedJsonBytes(progress)).toBeLessThan(700 * 1024);
    expect(encodedJsonBytes(buildProjectManifest(input(worst)))).toBeLessThan(700 * 1024);
  });

  it('is kept beside the clips, under the prefix when there is one', () => {
    expect(manifestKeyFor('videos', 'launch')).toBe('videos/launch/_manifest.json');
    expect(manifestKeyFor('', 'launch')).toBe('launch/_manifest.json');
  });
});
