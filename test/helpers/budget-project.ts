import type { ProjectInput, ProjectResult } from '../../src/client';

export const fastPolling = { intervalMs: 200, providerDeadlineMs: 60_000 };

/** A 10 s hook scene: Runway ranks first for it and bills $1.20, more than a $1 project budget. */
export const hookScene = (sceneId: string) => ({
  sceneId,
  sceneType: 'hook',
  prompt: 'Opening shot over a city skyline at dawn',
  durationSec: 10,
  aspectRatio: '16:9' as const,
});

/** A project of hook scenes under a budget, polling fast. */
export function hookProject(
  projectId: string,
  sceneIds: string[],
  options: { budgetUsd: number; maxConcurrentScenes: number },
): ProjectInput {
  return { projectId, ...options, polling: fastPolling, scenes: sceneIds.map(hookScene) };
}

/** One line per scene, for readable assertions: id, phase, provider, cost and allowance. */
export const sceneRows = (result: ProjectResult) =>
  result.scenes.map((s) => `${s.sceneId}:${s.phase}:${s.provider ?? '-'}:$${s.costUsd}:${s.allowanceUsd ?? '-'}`);
