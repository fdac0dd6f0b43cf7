import { presignedSceneClipUrl, SceneClipUnavailableError } from '../../client/clip-url';
import { presignedUrlExpiry } from '../../client/object-urls';
import type { Command } from '../command';
import { CliError, exitCodes, notFound, s3CredentialsError, type ExitCode } from '../errors';
import { cliS3Client, presignExpiryFlag } from '../s3-access';
import { noSetupCheck, withTemporal } from '../session';

const unavailableExitCodes: Record<SceneClipUnavailableError['reason'], ExitCode> = {
  'not-found': exitCodes.notFound,
  'not-a-scene': exitCodes.usage,
  running: exitCodes.failed,
  'not-completed': exitCodes.failed,
  unstored: exitCodes.notStored,
};

export const urlCommand: Command = {
  name: 'url',
  summary: "Print a presigned GET URL for a finished scene's stored clip, made now with a chosen expiry",
  usage: {
    positionals: [{ name: 'workflowId', description: 'A scene workflow, e.g. scene-video:launch:hook-1' }],
    options: {
      expires: {
        type: 'string',
        value: '<seconds>',
        description: `How long the URL works: ${presignedUrlExpiry.minSec}–${presignedUrlExpiry.maxSec} s (7 days, S3's limit; default ${presignedUrlExpiry.defaultSec})`,
      },
    },
    details: [
      "Reads the scene's result (bucket and key from its s3Url) and signs a GET for it with the S3 credentials of this",
      'environment (S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, as the worker',
      'reads them, or the AWS default chain): anyone holding the URL may fetch the clip until it expires. The URL is',
      "made on request and stored nowhere. The result's own `objectUrl` (the URL row of `scene-video status`) fetches",
      'only where the bucket policy allows. Prints the URL; with --json {url, expiresAt, bucket, key}.',
      'Exit codes: 0 printed, 1 the scene is still running or ended without a clip, 2 bad --expires or not a scene',
      "workflow, 3 no such workflow, 4 the clip was generated but not stored (only its provider's URL).",
    ],
    examples: [
      'scene-video url scene-video:launch:hook-1',
      'scene-video url scene-video:launch:hook-1 --expires 600 --json',
    ],
  },
  async run(args, { out, env }) {
    const workflowId = args.positional(0);
    const expiresInSec = presignExpiryFlag(args);
    const s3 = cliS3Client(env);
    try {
      return await withTemporal(
        env,
        async ({ client }) => {
          const clip = await presignedSceneClipUrl(client, s3, workflowId, { expiresInSec }).catch(unavailable);
          out.emit(clip, () => clip.url);
          return exitCodes.ok;
        },
        noSetupCheck,
      );
    } finally {
      s3.destroy();
    }
  },
};

function unavailable(err: unknown): never {
  if (err instanceof SceneClipUnavailableError) {
    if (err.reason === 'not-found') throw notFound(err.workflowId);
    throw new CliError(err.message, unavailableExitCodes[err.reason]);
  }
  throw s3CredentialsError(err);
}
