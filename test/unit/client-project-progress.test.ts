import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { getProjectProgress } from '../../src/client';
import type { SceneProgress } from '../../src/contract/scene-workflow';
import type { ProjectProgress, ProjectSceneStatus } from '../../src/contract/project-workflow';
import { countsAndRows } from '../helpers/project-view-check';

const scene = (sceneId: string, phase: ProjectSceneStatus['phase'], costUsd = 0): ProjectSceneStatus => ({
  sceneId,
  sceneType: 'broll',
  workflowId: `scene-video-p-${sceneId}`,
  phase,
  costUsd,
});

const live = (sceneId: string, phase: SceneProgress['phase'], totalCostUsd: number): SceneProgress => ({
  sceneId,
  phase,
  ranking: [],
  attempts: [],
  totalCostUsd,
  costByProvider: {},
});

/** Project progress 'p' as the project workflow records it: `counts` names the phases with scenes, the others are 0. */
const projectOf = (
  scenes: ProjectSceneStatus[],
  totalCostUsd: number,
  counts: Partial<ProjectProgress['counts']>,
): ProjectProgress => ({
  projectId: 'p',
  maxConcurrentScenes: 2,
  scenes,
  totalCostUsd,
  counts: { pending: 0, running: 0, succeeded: 0, unstored: 0, failed: 0, cancelled: 0, skipped: 0, ...counts },
});

/** A client whose queries answer the given project progress and scene progress, as the server would. */
function fakeClient(project: ProjectProgress, scenes: Record<string, SceneProgress>): Client {
  const getHandle = (workflowId: string) => ({
    query: () => Promise.resolve(workflowId === 'project-video-p' ? project : scenes[workflowId]),
    describe: () => Promise.resolve({ raw: {} }),
  });
  return { workflow: { getHandle } } as unknown as Client;
}

describe('project progress view (10d)', () => {
  it('a scene that has ended before the project recorded it: the counts agree with the rows', async () => {
    // The moment between a child's end and the project's next workflow task: the project still says running.
    const scenes = [scene('a', 'succeeded', 0.1), scene('b', 'running'), scene('c', 'running'), scene('d', 'pending')];
    const project = projectOf(scenes, 0.1, { pending: 1, running: 2, succeeded: 1 });
    const client = fakeClient(project, {
      'scene-video-p-b': live('b', 'failed', 0.15),
      'scene-video-p-c': live('c', 'generating', 0.25),
    });
    const view = await getProjectProgress(client, 'project-video-p');
    const { counts, rows } = countsAndRows(view);
    expect(rows).toMatchObject({ succeeded: 1, failed: 1, running: 1, pending: 1 });
    expect(counts).toEqual(rows);
    // The ended scene's cost is in the total, as its row shows it.
    expect(view.totalCostUsd).toBeCloseTo(0.25, 6);
    expect(view.scenes.find((s) => s.sceneId === 'b')).toMatchObject({ phase: 'failed', costUsd: 0.15 });
  });

  it('leaves a consistent view alone', async () => {
    const scenes = [scene('a', 'succeeded', 0.1), scene('b', 'running')];
    const project = projectOf(scenes, 0.1, { running: 1, succeeded: 1 });
    const view = await getProjectProgress(
      fakeClient(project, { 'scene-video-p-b': live('b', 'uploading', 0.2) }),
      'project-video-p',
    );
    expect(view.counts).toEqual(project.counts);
    expect(view.totalCostUsd).toBe(0.1);
    const { counts, rows } = countsAndRows(view);
    expect(counts).toEqual(rows);
  });
});
