import { describe, expect, it } from 'vitest';
import type { ProjectInput } from '../../src/contract/project-input';
import type { ProjectSceneStatus } from '../../src/contract/project-workflow';
import type { SceneVideoResult } from '../../src/contract/scene-workflow';
import { legacySceneWorkflowId, sceneWorkflowId } from '../../src/contract/workflow-ids';
import {
  cancelledProjectReport,
  finishedSceneFields,
  projectHeader,
  projectProgress,
  projectSummary,
  rawProjectHeader,
  sceneRows,
} from '../../src/domain/project-progress';
import { projectScene, validProject } from './project-fixture';

const project = validProject([projectScene('s1'), projectScene('s2', { sceneType: 'product' })], {
  projectId: 'launch',
  maxConcurrentScenes: 3,
  budgetUsd: 2,
});
const row = (sceneId: string, phase: ProjectSceneStatus['phase'], costUsd = 0): ProjectSceneStatus => ({
  sceneId,
  sceneType: 'hook',
  workflowId: `scene-video:launch:${sceneId}`,
  phase,
  costUsd,
});

describe("a project's rows and counts", () => {
  it('answers before validation with the raw projectId, whatever the input is', () => {
    expect(rawProjectHeader({ projectId: 'launch' } as ProjectInput)).toEqual({
      projectId: 'launch',
      maxConcurrentScenes: 0,
    });
    expect(rawProjectHeader(null as unknown as ProjectInput)).toEqual({ projectId: '', maxConcurrentScenes: 0 });
    expect(projectHeader(project)).toEqual({ projectId: 'launch', budgetUsd: 2, maxConcurrentScenes: 3 });
  });

  it('starts one pending row per scene under the id the run gives it', () => {
    expect(sceneRows(project, sceneWorkflowId)).toEqual([
      {
        sceneId: 's1',
        sceneType: 'hook',
        workflowId: 'scene-video:launch:s1',
        aspectRatio: '16:9',
        phase: 'pending',
        costUsd: 0,
      },
      {
        sceneId: 's2',
        sceneType: 'product',
        workflowId: 'scene-video:launch:s2',
        aspectRatio: '16:9',
        phase: 'pending',
        costUsd: 0,
      },
    ]);
    expect(sceneRows(project, legacySceneWorkflowId).map((r) => r.workflowId)).toEqual([
      'scene-video-launch-s1',
      'scene-video-launch-s2',
    ]);
  });

  it('counts every phase and totals the costs from the rows themselves', () => {
    const rows = [
      row('a', 'succeeded', 0.1),
      row('b', 'succeeded', 0.2),
      row('c', 'failed', 0.05),
      row('d', 'running'),
      row('e', 'skipped'),
    ];
    const progress = projectProgress(projectHeader(project), rows, undefined);
    expect(progress.counts).toEqual({
      pending: 0,
      running: 1,
      succeeded: 2,
      unstored: 0,
      failed: 1,
      cancelled: 0,
      skipped: 1,
    });
    expect(progress.totalCostUsd).toBe(0.35);
    expect(progress).not.toHaveProperty('budget');
    const summary = { budgetUsd: 2, spentUsd: 0.35, reservedUsd: 0.2, leftUsd: 1.45 };
    expect(projectProgress(projectHeader(project), rows, summary).budget).toEqual(summary);
    expect(projectSummary(progress)).toBe('Project launch: 2 succeeded, 0 not stored, 1 failed, 1 skipped, $0.35');
  });

  it('records a finished scene: its clip, length and attempts without their messages; one not stored keeps the expiring provider URL and the warning', () => {
    const attempt = { startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:01:00.000Z' };
    const result = {
      provider: 'luma',
      s3Key: 'videos/launch/s1.mp4',
      objectUrl: 'http://127.0.0.1:7070/clips/videos/launch/s1.mp4',
      providerVideoUrl: 'https://cdn.example/s1.mp4',
      stored: true,
      durationSec: 5,
      attempts: [
        { ...attempt, provider: 'kling', state: 'failed', reason: 'task_failed', error: 'GPU fell over', costUsd: 0 },
        { ...attempt, provider: 'luma', state: 'uploaded', reason: 'succeeded', costUsd: 0.2, taskId: 't1' },
      ],
      totalCostUsd: 0.2,
    } as SceneVideoResult;
    const attempts = [
      { provider: 'kling', state: 'failed', reason: 'task_failed', costUsd: 0 },
      { provider: 'luma', state: 'uploaded', reason: 'succeeded', costUsd: 0.2 },
    ];
    expect(finishedSceneFields(result)).toEqual({
      phase: 'succeeded',
      provider: 'luma',
      s3Key: 'videos/launch/s1.mp4',
      objectUrl: 'http://127.0.0.1:7070/clips/videos/launch/s1.mp4',
      durationSec: 5,
      attempts,
      costUsd: 0.2,
    });
    const unstored = {
      ...result,
      s3Key: undefined,
      objectUrl: undefined,
      stored: false,
      warning: 'S3 refused the clip',
    };
    expect(finishedSceneFields(unstored)).toEqual({
      phase: 'unstored',
      provider: 'luma',
      s3Key: undefined,
      durationSec: 5,
      attempts,
      costUsd: 0.2,
      providerVideoUrl: 'https://cdn.example/s1.mp4',
      error: 'S3 refused the clip',
    });
  });
});

describe('a cancelled project', () => {
  it('cancels the scenes never started and keeps what each scene committed in its memo and message', () => {
    const rows = [row('a', 'succeeded', 0.2), row('b', 'cancelled', 0.1), row('c', 'pending')];
    const { memo, message } = cancelledProjectReport(projectHeader(project), rows);
    expect(rows[2]).toMatchObject({ phase: 'cancelled', error: 'not started: the project was cancelled' });
    expect(memo).toEqual({
      cancelled: {
        totalCostUsd: 0.3,
        counts: { pending: 0, running: 0, succeeded: 1, unstored: 0, failed: 0, cancelled: 2, skipped: 0 },
        scenes: {
          a: { phase: 'succeeded', costUsd: 0.2 },
          b: { phase: 'cancelled', costUsd: 0.1 },
          c: { phase: 'cancelled', costUsd: 0 },
        },
      },
    });
    expect(message).toBe('project cancelled: 2 scene(s) cancelled, 1 succeeded, 0 failed; $0.3 committed');
  });
});
