import { loadWorkerEnv } from '../../config/environment';
import { loadTemporalConnection, unreachableHint, withoutSecrets } from '../../config/temporal-connection';
import type { Command } from '../command';
import { activeCatalogue } from '../env-catalogue';
import { CliError, exitCodes, UsageError } from '../errors';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run a worker: executes scene and project workflows and their provider/S3 activities',
  usage: {
    positionals: [],
    options: {},
    noJson: true,
    details: [
      'Configured only by its environment: the Temporal connection as in `scene-video --help`, TEMPORAL_TASK_QUEUE,',
      'PIAPI_API_KEY / RUNWAY_API_KEY (which providers it can use), S3_* (where clips go), SCENE_VIDEO_CATALOGUE,',
      'SCENE_VIDEO_DISABLED_PROVIDERS. Ctrl-C or SIGTERM stops polling, lets running activities finish, and exits 0.',
      'At start it checks the S3 bucket and credentials (HeadBucket; S3_STARTUP_CHECK=false skips it) and that the',
      "namespace has scene-video's search attributes (`scene-video setup` adds them), and refuses to start, in one line,",
      'when the bucket is missing, the credentials are refused, the endpoint is unreachable, or an attribute is missing',
      'or of another type.',
      'WORKER_HEALTH_PORT serves GET /healthz (alive) and /readyz on WORKER_HEALTH_HOST (127.0.0.1): 200 only while it',
      'polls and its background checks, every WORKER_READINESS_INTERVAL_SEC (10), find the Temporal server answering',
      'and the S3 bucket reachable (HeadBucket, skipped with S3_STARTUP_CHECK=false); 503 names what failed.',
      'LOG_FORMAT=json writes each log line as one JSON object on stdout, with the run, scene, provider and attempt it is',
      'about (text, the default, is for people); LOG_LEVEL (TRACE, DEBUG, INFO, WARN, ERROR; default INFO) picks which.',
      'Neither format shows the API keys or the S3 secret key. See "Logs" in the README.',
      'OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) exports traces over OTLP/HTTP: a span per',
      'workflow run, activity and provider HTTP call, as service OTEL_SERVICE_NAME (default scene-video-worker).',
      'WEBHOOK_PUBLIC_URL with WEBHOOK_SECRET (32+ characters) registers a webhook for every PiAPI task and waits for',
      'it without holding an activity slot, checking the provider every WEBHOOK_BACKSTOP_POLL_SEC (60); WEBHOOK_PORT',
      '(with WEBHOOK_HOST, 127.0.0.1) serves the receiver in this process (`scene-video webhooks` runs it on its own).',
      'TEMPORAL_DEPLOYMENT_NAME with TEMPORAL_WORKER_BUILD_ID make it a versioned worker of that Worker Deployment',
      '(see "Changing workflow code safely" in the README); without them it is unversioned.',
      'Exit codes: 0 stopped cleanly, 1 could not connect (Temporal or S3), the namespace is not set up, or crashed,',
      '2 invalid environment.',
    ],
  },
  ownsSignals: true,
  async run(_args, { env }) {
    let workerEnv;
    let temporal;
    try {
      workerEnv = loadWorkerEnv(env);
      temporal = loadTemporalConnection(env);
    } catch (err) {
      throw new UsageError(
        (err as Error).message,
        'Fix the environment variables listed in `scene-video worker --help`.',
      );
    }
    // The worker would fail on the same catalogue problems; here they exit 2 as configuration errors.
    activeCatalogue(env);
    // The worker runtime (Temporal's native core, the AWS SDK) loads only when a worker runs, not to list this
    // command in `scene-video --help`.
    /* eslint-disable @typescript-eslint/no-require-imports -- tsx/cjs cannot import() .ts files; see commands/index.ts */
    const { runWorker } = require('../../worker/main') as typeof import('../../worker/main');
    const { TransportError } = require('@temporalio/worker') as typeof import('@temporalio/worker');
    /* eslint-enable @typescript-eslint/no-require-imports */
    try {
      await runWorker(workerEnv, temporal);
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      throw new CliError(
        `Cannot reach Temporal at ${temporal.address} (${withoutSecrets(err.message, temporal)}).`,
        exitCodes.failed,
        unreachableHint,
      );
    }
    return exitCodes.ok;
  },
};
