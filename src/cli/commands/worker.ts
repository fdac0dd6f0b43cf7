import { TransportError } from '@temporalio/worker';
import { loadWorkerEnv } from '../../config/environment';
import { runWorker } from '../../worker/main';
import type { Command } from '../command';
import { activeCatalogue } from '../env-catalogue';
import { CliError, exitCodes, UsageError } from '../errors';

export const workerCommand: Command = {
  usage: {
    positionals: [],
    options: {},
    noJson: true,
    details: [
      'Configured only by its environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, TEMPORAL_API_KEY,',
      'PIAPI_API_KEY / RUNWAY_API_KEY (which providers it can use), S3_* (where clips go), SCENE_VIDEO_CATALOGUE,',
      'SCENE_VIDEO_DISABLED_PROVIDERS. Ctrl-C or SIGTERM stops polling, lets running activities finish, and exits 0.',
      'At start it checks the S3 bucket and credentials (HeadBucket) and refuses to start, in one line, when the bucket',
      'is missing, the credentials are refused or the endpoint is unreachable (S3_STARTUP_CHECK=false skips it).',
      'Exit codes: 0 stopped cleanly, 1 could not connect (Temporal or S3) or crashed, 2 invalid environment.',
    ],
  },
  ownsSignals: true,
  async run(_args, { env }) {
    let workerEnv;
    try {
      workerEnv = loadWorkerEnv(env);
    } catch (err) {
      throw new UsageError(
        (err as Error).message,
        'Fix the environment variables listed in `scene-video worker --help`.',
      );
    }
    // The worker would fail on the same catalogue problems; here they exit 2 as configuration errors.
    activeCatalogue(env);
    try {
      await runWorker(workerEnv);
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      throw new CliError(
        `Cannot reach Temporal at ${workerEnv.TEMPORAL_ADDRESS} (${err.message}).`,
        exitCodes.failed,
        'Start one with `npm run stack` or set TEMPORAL_ADDRESS.',
      );
    }
    return exitCodes.ok;
  },
};
