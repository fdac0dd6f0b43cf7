import type { WriteProjectManifestInput } from '../contract/activities';
import type { ManifestScene, ProjectManifest } from '../contract/project-manifest';
import type { ProjectProgress, ProjectSceneStatus } from '../contract/project-workflow';
import { roundUsd } from './pricing';

/**
 * The manifest of a finished project, from the project's own result: every scene in project order, the totals as the
 * result counts them, and spend per provider from the attempts. The same input gives the same manifest, key for key
 * in the same order, so a retried write stores the same bytes.
 */
/** What a manifest is made of: the activity's input, the project's rows as its query answers them, the bucket. */
export type ManifestSource = WriteProjectManifestInput & { progress: ProjectProgress; bucket: string };

export function buildProjectManifest(input: ManifestSource): ProjectManifest {
  const { progress, models } = input;
  const scenes = progress.scenes.map((row) => manifestScene(row, models));
  return {
    schemaVersion: 1,
    projectId: progress.projectId,
    workflowId: input.workflowId,
    runId: input.runId,
    finishedAt: input.finishedAt,
    bucket: input.bucket,
    ...(progress.budgetUsd !== undefined && { budgetUsd: progress.budgetUsd }),
    scenes,
    totals: {
      scenes: scenes.length,
      costUsd: progress.totalCostUsd,
      costByProviderUsd: costByProvider(progress.scenes),
      counts: progress.counts,
    },
  };
}

function manifestScene(row: ProjectSceneStatus, models: Record<string, string>): ManifestScene {
  const model = row.provider === undefined ? undefined : models[row.provider];
  return {
    sceneId: row.sceneId,
    sceneType: row.sceneType,
    workflowId: row.workflowId,
    phase: row.phase,
    ...(row.s3Key !== undefined && { key: row.s3Key }),
    ...(row.objectUrl !== undefined && { url: row.objectUrl }),
    ...(row.providerVideoUrl !== undefined && { providerVideoUrl: row.providerVideoUrl }),
    ...(row.durationSec !== undefined && { durationSec: row.durationSec }),
    ...(row.aspectRatio !== undefined && { aspectRatio: row.aspectRatio }),
    ...(row.provider !== undefined && { provider: row.provider }),
    ...(model !== undefined && { model }),
    attempts: (row.attempts ?? []).map((a) => ({
      provider: a.provider,
      ...(models[a.provider] !== undefined && { model: models[a.provider] }),
      state: a.state,
      ...(a.reason !== undefined && { reason: a.reason }),
      costUsd: a.costUsd,
    })),
    costUsd: row.costUsd,
    ...(row.error !== undefined && { reason: row.error }),
    ...(row.budget !== undefined && { budget: row.budget }),
  };
}

/**
 * Spend per provider, in key order. What a scene charged beyond its known attempts (a run attached from before attempts
 * were recorded, a scene that ended without saying) counts under its provider, or `unknown`: the parts add up to the
 * total.
 */
function costByProvider(rows: readonly ProjectSceneStatus[]): Record<string, number> {
  const sums = new Map<string, number>();
  const add = (provider: string, usd: number) => sums.set(provider, (sums.get(provider) ?? 0) + usd);
  for (const row of rows) {
    let attributed = 0;
    for (const a of row.attempts ?? []) {
      if (a.costUsd > 0) add(a.provider, a.costUsd);
      attributed += a.costUsd;
    }
    const rest = roundUsd(row.costUsd - attributed);
    if (rest > 0) add(row.provider ?? 'unknown', rest);
  }
  return Object.fromEntries([...sums.keys()].sort().map((p) => [p, roundUsd(sums.get(p)!)]));
}
