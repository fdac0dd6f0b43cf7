import { S3Client } from '@aws-sdk/client-s3';
import { formatZodError } from '../contract/format-zod-error';
import { s3EnvSchema } from './environment';
import type { z } from 'zod';

export type S3Env = z.infer<typeof s3EnvSchema>;

/** The S3 variables of `env`, checked as the worker checks them. */
export function loadS3Env(env: NodeJS.ProcessEnv): S3Env {
  const parsed = s3EnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid S3 environment: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

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
