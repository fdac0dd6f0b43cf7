import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { freePort } from '../../dev/stack/free-port';
import { stackInfo } from '../helpers/stack-info';
import { uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';
import { workerEnv } from '../../dev/harness/worker-env';
import { spawnCli, type CliRun } from '../cli/run-cli';

/**
 * `scene-video worker` checks its bucket and credentials before it polls: storage that cannot work must stop the worker
 * with one clear line, not let it generate (and pay for) clips it cannot store.
 */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: { default: { queueMs: 100, renderMs: 600 } } });
});
afterAll(async () => {
  await sandbox?.close();
});

/** Runs the worker with `overrides`; one that is still running after `withinMs` is stopped and reported as such. */
async function startWorker(overrides: NodeJS.ProcessEnv, withinMs = 45_000): Promise<CliRun & { running: boolean }> {
  const env = { ...workerEnv(stackInfo(), sandbox, { taskQueue: uniqueTaskQueue('s3check') }), ...overrides };
  const worker = spawnCli(['worker'], env);
  const exited = await Promise.race([
    worker.done.then(() => true),
    new Promise<false>((r) => setTimeout(() => r(false), withinMs)),
  ]);
  if (!exited) worker.kill('SIGINT');
  return { ...(await worker.done), running: !exited };
}

/** The worker's own lines on stderr (Node's AWS SDK version warning aside): exactly one, the error. */
function errorLines(run: CliRun): string[] {
  return run.stderr.split('\n').filter((l) => l.startsWith('error:') || l.startsWith('Storage check'));
}

describe('the worker checks S3 when it starts', () => {
  it('refuses to start, in one line, with wrong credentials, a missing bucket or an unreachable endpoint', async () => {
    const stack = stackInfo();
    const wrongSecret = 'not-the-secret-0123456789abcdef';
    const closedPort = await freePort();
    const [credentials, bucket, endpoint] = await Promise.all([
      startWorker({ S3_SECRET_ACCESS_KEY: wrongSecret }),
      startWorker({ S3_BUCKET: 'no-such-bucket-here' }),
      startWorker({ S3_ENDPOINT: `http://127.0.0.1:${closedPort}` }),
    ]);
    for (const run of [credentials, bucket, endpoint]) {
      expect(run.running, `worker still running after 45 s:\n${run.stdout}`).toBe(false);
      expect(run.code).toBe(1);
      expect(run.stdout).not.toContain('scene-video worker on');
      expect(errorLines(run)).toHaveLength(1);
      expect(run.stdout + run.stderr).not.toContain(stack.s3.secretAccessKey);
    }
    expect(errorLines(credentials)[0]).toMatch(
      new RegExp(
        `^error: Storage check failed: S3 bucket "${stack.s3.bucket}" at ${stack.s3.endpoint} refused this worker's credentials \\(403 \\w+\\); set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY`,
      ),
    );
    expect(credentials.stderr).not.toContain(wrongSecret);
    expect(errorLines(bucket)[0]).toMatch(
      /^error: Storage check failed: S3 bucket "no-such-bucket-here" at .* does not exist \(404\); create it or set S3_BUCKET/,
    );
    expect(errorLines(endpoint)[0]).toMatch(
      new RegExp(
        `^error: Storage check failed: S3 bucket "${stack.s3.bucket}" at http://127.0.0.1:${closedPort} is unreachable \\(ECONNREFUSED\\); start the S3 server or fix S3_ENDPOINT`,
      ),
    );
  }, 120_000);

  it('S3_STARTUP_CHECK=false skips the check (for credentials that may write objects but not list the bucket)', async () => {
    const env = {
      ...workerEnv(stackInfo(), sandbox, { taskQueue: uniqueTaskQueue('s3check') }),
      S3_BUCKET: 'no-such-bucket-here',
      S3_STARTUP_CHECK: 'false',
    };
    const worker = spawnCli(['worker'], env);
    try {
      await waitFor(async () => worker.stdoutText().includes('scene-video worker on'), 60_000);
    } finally {
      worker.kill('SIGINT');
    }
    expect((await worker.done).code).toBe(0);
  }, 90_000);
});
