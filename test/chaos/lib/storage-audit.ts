import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { formatZodError } from '../../../src/contract/format-zod-error';
import { manifestFileName, projectManifestSchema } from '../../../src/contract/project-manifest';
import type { SceneOutcome } from './outcomes';

export interface StorageAudit {
  objects: number;
  /** A result names a key that is absent, or present with another size than the result recorded. */
  missing: string[];
  /** Objects under the run's prefix that no result names. */
  orphans: string[];
  /**
   * Objects whose size is not the full video's, or whose listing and HEAD disagree: half-written; or a project
   * manifest its schema refuses.
   */
  partial: string[];
  /** Project manifests (`<projectId>/_manifest.json`), each read whole and checked against its schema. */
  manifests: number;
  /** Multipart uploads started under the prefix and never completed or aborted. */
  pendingUploads: string[];
}

/**
 * Reconciles S3 under `prefix` with the results: every stored clip present and whole, nothing else there but the
 * finished projects' manifests, each valid by its schema.
 */
export async function auditStorage(
  s3: S3Client,
  bucket: string,
  prefix: string,
  outcomes: SceneOutcome[],
  videoBytes?: number,
): Promise<StorageAudit> {
  const listed = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) listed.set(o.Key!, o.Size ?? -1);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);

  const audit: StorageAudit = {
    objects: listed.size,
    missing: [],
    orphans: [],
    partial: [],
    manifests: 0,
    pendingUploads: [],
  };
  const named = new Set<string>();
  for (const o of outcomes) {
    const key = o.result?.stored ? o.result.s3Key : undefined;
    if (!key) continue;
    named.add(key);
    const size = listed.get(key);
    if (size === undefined) audit.missing.push(`${o.workflowId}: ${key} absent`);
    else if (size !== o.result!.bytes)
      audit.missing.push(`${o.workflowId}: ${key} has ${size} bytes, result says ${o.result!.bytes}`);
  }
  for (const [key, size] of listed) {
    if (key.endsWith(`/${manifestFileName}`)) {
      audit.manifests++;
      const problem = await manifestProblem(s3, bucket, key);
      if (problem) audit.partial.push(`${key}: ${problem}`);
      continue;
    }
    if (!named.has(key)) audit.orphans.push(`${key} (${size} bytes)`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    if (head.ContentLength !== size) audit.partial.push(`${key}: listed ${size} bytes, HEAD ${head.ContentLength}`);
    else if (videoBytes !== undefined && size !== videoBytes)
      audit.partial.push(`${key}: ${size} of ${videoBytes} bytes`);
  }
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `${prefix}/` }));
  for (const u of uploads.Uploads ?? []) audit.pendingUploads.push(`${u.Key} (upload ${u.UploadId})`);
  return audit;
}

async function manifestProblem(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  let json: unknown;
  try {
    json = JSON.parse(await object.Body!.transformToString());
  } catch (err) {
    return `not JSON: ${(err as Error).message}`;
  }
  const checked = projectManifestSchema.safeParse(json);
  return checked.success ? undefined : `not a valid manifest: ${formatZodError(checked.error)}`;
}
