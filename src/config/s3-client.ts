import { S3Client } from '@aws-sdk/client-s3';
import type { WorkerEnv } from './environment';

export type S3Env = Pick<
  WorkerEnv,
  'S3_REGION' | 'S3_ENDPOINT' | 'S3_FORCE_PATH_STYLE' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY'
>;

/**
 * The S3 client every part uses (worker activities, readiness, the CLI's URLs): a custom endpoint (versitygw, MinIO)
 * is addressed path style unless S3_FORCE_PATH_STYLE says otherwise; without keys the SDK's default chain applies.
 */
export function s3ClientFromEnv(env: S3Env): S3Client {
  return new S3Client({
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT,
    forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_ENDPOINT !== undefined,
    ...(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY } }
      : {}),
  });
}
