import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allSearchAttributeKeys } from '../../src/contract/search-attributes';
import { stopAllManaged } from './managed-process';
import { provision, type Progress } from './provision';
import { startS3Server, type S3Server } from './s3-server';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server';

export interface StackOptions {
  /** Keeps the Temporal database and the S3 objects here across runs; a temp dir removed on stop when absent. */
  dataDir?: string;
  namespace?: string;
  bucket?: string;
  temporalPort?: number;
  uiPort?: number | false;
  s3Port?: number;
  progress?: Progress;
}

export interface Stack {
  temporal: TemporalDevServer;
  s3: S3Server;
  dataDir: string;
  stop(): Promise<void>;
}

/** The embedded default stack: a real Temporal dev server and a real S3 server, both on loopback. */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const progress = opts.progress ?? ((line: string) => process.stderr.write(`[stack] ${line}\n`));
  const binaries = await provision(['temporal', 'versitygw'], progress);
  const ephemeral = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'scene-video-stack-'));
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });

  const started = Date.now();
  const [temporal, s3] = await Promise.allSettled([
    startTemporalDevServer({
      binary: binaries.temporal,
      namespace: opts.namespace ?? 'default',
      dbFile: ephemeral ? undefined : join(dataDir, 'temporal.sqlite'),
      port: opts.temporalPort,
      uiPort: opts.uiPort,
      searchAttributes: allSearchAttributeKeys,
      logDir,
    }),
    startS3Server({
      binary: binaries.versitygw,
      dataDir: join(dataDir, 's3'),
      bucket: opts.bucket ?? 'scene-videos',
      port: opts.s3Port,
      logDir,
    }),
  ]);
  if (temporal.status === 'rejected' || s3.status === 'rejected') {
    await stopAllManaged();
    if (ephemeral) rmSync(dataDir, { recursive: true, force: true });
    throw temporal.status === 'rejected' ? temporal.reason : (s3 as PromiseRejectedResult).reason;
  }
  progress(
    `stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s: Temporal ${temporal.value.address}, S3 ${s3.value.endpoint}`,
  );

  let stopping: Promise<void> | undefined;
  return {
    temporal: temporal.value,
    s3: s3.value,
    dataDir,
    stop() {
      stopping ??= (async () => {
        await Promise.all([temporal.value.stop(), s3.value.stop()]);
        if (ephemeral) rmSync(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** Stops the stack on SIGINT/SIGTERM so a person pressing Ctrl-C never leaves servers behind. */
export function stopOnSignals(stack: Pick<Stack, 'stop'>, onStop?: () => void): void {
  const handler = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping the stack…\n`);
    onStop?.();
    void stack.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
