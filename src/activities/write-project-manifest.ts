import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { objectUrl } from '../client/object-urls';
import type { WriteProjectManifestInput } from '../contract/activities';
import { formatZodError } from '../contract/format-zod-error';
import { manifestFileName, projectManifestSchema, type ProjectManifestRef } from '../contract/project-manifest';
import { getProjectProgress } from '../contract/project-workflow';
import { failureTypes } from '../contract/scene-workflow';
import { buildProjectManifest } from '../domain/project-manifest';
import type { ActivityDeps } from './dependencies';
import { isPermanentS3Error } from './upload/upload-to-s3';

/** Beside the project's clips (`s3KeyFor`): `<prefix>/<projectId>/_manifest.json`. */
export function manifestKeyFor(prefix: string, projectId: string): string {
  return [prefix, projectId, manifestFileName].filter(Boolean).join('/');
}

/**
 * Writes the finished project's manifest with one PutObject: S3 stores the object whole or not at all, so a reader
 * never sees part of it, and a retry overwrites it with the same bytes (the rows no longer change; `finishedAt` is the
 * workflow's time, fixed in its history).
 * Scenes whose result predates its `objectUrl` get the URL the SDK resolves for their key.
 */
export function createWriteProjectManifest(deps: Pick<ActivityDeps, 's3' | 'storage'>) {
  const { s3, storage } = deps;
  return async function writeProjectManifest(input: WriteProjectManifestInput): Promise<ProjectManifestRef> {
    // The project's rows come from its own query, not this activity's input: a 500-scene project's rows are 250 KB to
    // 700 KB, and as input they were in its history a second time (the result holds them once), which took the largest
    // project's history from 3.1 MB to 3.85 MB, near the 4 MiB a client fetches in one page. The project is waiting
    // for this activity with every scene ended, so its query answers the rows it finished with.
    const progress = await Context.current()
      .client.workflow.getHandle(input.workflowId, input.runId)
      .query(getProjectProgress);
    const scenes = await Promise.all(
      progress.scenes.map(async (row) =>
        row.s3Key === undefined || row.objectUrl !== undefined
          ? row
          : { ...row, objectUrl: await objectUrl(s3, { bucket: storage.bucket, key: row.s3Key }) },
      ),
    );
    const manifest = buildProjectManifest({
      ...input,
      progress: { ...progress, scenes },
      bucket: storage.bucket,
    });
    const checked = projectManifestSchema.safeParse(manifest);
    if (!checked.success)
      throw ApplicationFailure.nonRetryable(
        `the project manifest breaks its own schema (a bug; please report it): ${formatZodError(checked.error)}`,
        failureTypes.invalidManifest,
      );
    const key = manifestKeyFor(storage.prefix, manifest.projectId);
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: storage.bucket,
          Key: key,
          Body: `${JSON.stringify(manifest, null, 2)}\n`,
          ContentType: 'application/json',
        }),
      );
    } catch (err) {
      throw ApplicationFailure.create({
        message: `storing ${key} failed: ${(err as Error).message}`,
        type: failureTypes.storageUnavailable,
        // As for clips: a missing bucket or denied access will not fix itself by retrying; an outage might.
        nonRetryable: isPermanentS3Error(err),
      });
    }
    return { key, url: await objectUrl(s3, { bucket: storage.bucket, key }) };
  };
}
