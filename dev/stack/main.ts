import { join, resolve } from 'node:path';
import { startStack, stopOnSignals } from './stack';

/** `npm run stack`: the embedded stack alone, for running a worker or the CLI by hand against it. */
async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const stack = await startStack({ dataDir: join(root, '.data'), temporalPort: 7233, uiPort: 8233, s3Port: 7070 });
  stopOnSignals(stack);
  console.log(`Temporal ${stack.temporal.address} (Web UI ${stack.temporal.uiUrl}), S3 ${stack.s3.endpoint}; data in ${stack.dataDir}
Point a worker or the CLI at it with:
  export TEMPORAL_ADDRESS=${stack.temporal.address}
  export S3_ENDPOINT=${stack.s3.endpoint} S3_BUCKET=${stack.s3.bucket} S3_FORCE_PATH_STYLE=true
  export S3_ACCESS_KEY_ID=${stack.s3.accessKeyId} S3_SECRET_ACCESS_KEY=${stack.s3.secretAccessKey}
Press Ctrl-C to stop.`);
  await new Promise(() => undefined);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
