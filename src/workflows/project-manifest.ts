import { CancellationScope, log, workflowInfo } from '@temporalio/workflow';
import type { Catalogue } from '../contract/catalogue';
import type { ProjectProgress, ProjectResult } from '../contract/project-workflow';
import { writeProjectManifest } from './project-activities';

/**
 * Writes the finished project's manifest and says where it is. A manifest that cannot be written (S3 down past the
 * activity's retries) does not fail the project: its clips are stored and paid for, and failing would hide this result
 * from every client; the result says the manifest is missing and why, and the log warns.
 */
export async function storeManifest(
  progress: ProjectProgress,
  catalogue: Catalogue,
): Promise<Pick<ProjectResult, 'manifest' | 'manifestError'>> {
  const { workflowId, runId } = workflowInfo();
  try {
    // Every scene has ended: a cancel arriving now would only lose the map of clips already stored and paid for.
    const manifest = await CancellationScope.nonCancellable(() =>
      writeProjectManifest({
        workflowId,
        runId,
        // Workflow time: the same in every replay and retry, so the manifest's bytes are too.
        finishedAt: new Date().toISOString(),
        models: Object.fromEntries(catalogue.map((p) => [p.key, p.model])),
      }),
    );
    return { manifest };
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    const why = cause instanceof Error ? cause.message : String(cause);
    const manifestError = `the project manifest was not written (${why}); this result lists every scene and its clip's key`;
    log.warn(manifestError, { projectId: progress.projectId });
    return { manifestError };
  }
}
