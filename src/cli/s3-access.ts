import type { S3Client } from '@aws-sdk/client-s3';
import { checkPresignedExpiry, presignedUrlExpiry } from '../client/object-urls';
import { loadS3Env, s3ClientFromEnv } from '../config/s3-client';
import type { Args } from './args';
import { UsageError } from './errors';

/** `--expires <seconds>` of the commands that presign clip URLs (`url`, `report`), checked before anything connects. */
export function presignExpiryFlag(args: Args): number {
  const expiresInSec = args.number('expires', 'a whole number of seconds') ?? presignedUrlExpiry.defaultSec;
  try {
    checkPresignedExpiry(expiresInSec);
  } catch (err) {
    throw args.usage(`--expires: ${(err as Error).message}`);
  }
  return expiresInSec;
}

/** The S3 client that signs clip URLs, from this environment's S3 variables as the worker reads them. */
export function cliS3Client(env: NodeJS.ProcessEnv): S3Client {
  try {
    return s3ClientFromEnv(loadS3Env(env));
  } catch (err) {
    throw new UsageError((err as Error).message, 'Set the S3 variables as the worker has them (`scene-video --help`).');
  }
}
