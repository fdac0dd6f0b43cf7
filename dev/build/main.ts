import { spawnSync } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleSceneWorkflows, workflowBundleFileName } from '../../src/worker/create-worker';
import { writeEsmEntry } from './esm-entry';

/** `npm run build`: src/ compiled to dist/ with declarations, the workflow bundle, and the ESM face of the client. */
const root = join(__dirname, '..', '..');
const dist = join(root, 'dist');

async function step<T>(label: string, run: () => T | Promise<T>): Promise<T> {
  process.stdout.write(`${label}… `);
  const started = performance.now();
  const result = await run();
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function build(): Promise<void> {
  await step('removing dist/', () => rmSync(dist, { recursive: true, force: true }));
  await step('compiling src/ to dist/ with declarations (tsc -p tsconfig.build.json)', () => {
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (tsc.status !== 0) throw new Error('tsc failed; the errors are above.');
  });
  const bundlePath = join(dist, workflowBundleFileName);
  await step(`bundling the workflows into dist/${workflowBundleFileName}`, async () => {
    writeFileSync(bundlePath, (await bundleSceneWorkflows()).code);
  });
  await step('writing the ESM entry of the client (dist/client/index.mjs)', () => writeEsmEntry(join(dist, 'client')));
  console.log(`dist/ built; workflow bundle ${(statSync(bundlePath).size / 1024 ** 2).toFixed(2)} MiB`);
}

build().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
