import { spawnSync } from 'node:child_process';
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleSceneWorkflows, workflowBundleFileNames, type WorkflowBundleKind } from '../../src/worker/create-worker';
import { writeEsmEntry } from './esm-entry';

/**
 * `npm run build`: src/ compiled to dist/ with declarations, the workflow bundle, and the ESM face of the client. Built
 * in dist.partial/ and renamed at the end, so a failed build leaves no dist/ the bin would run (it says to build).
 */
const root = join(__dirname, '..', '..');
const dist = join(root, 'dist');
const partial = join(root, 'dist.partial');

// Progress goes to stderr: `npm pack --json` runs this build (prepack) and its stdout must stay JSON.
async function step<T>(label: string, run: () => T | Promise<T>): Promise<T> {
  process.stderr.write(`${label}… `);
  const started = performance.now();
  const result = await run();
  console.error(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function build(): Promise<void> {
  await step('removing dist/ and any earlier partial build', () => {
    for (const folder of [dist, partial]) rmSync(folder, { recursive: true, force: true });
  });
  await step('compiling src/ with declarations (tsc -p tsconfig.build.json)', () => {
    const tsc = spawnSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', partial],
      { cwd: root, stdio: ['ignore', process.stderr, process.stderr] },
    );
    if (tsc.status !== 0) throw new Error('tsc failed; the errors are above. No dist/ was written.');
  });
  const mib = {} as Record<WorkflowBundleKind, string>;
  for (const kind of ['plain', 'traced'] as const) {
    const bundlePath = join(partial, workflowBundleFileNames[kind]);
    await step(`bundling the workflows (${workflowBundleFileNames[kind]})`, async () => {
      writeFileSync(bundlePath, (await bundleSceneWorkflows(kind)).code);
    });
    mib[kind] = (statSync(bundlePath).size / 1024 ** 2).toFixed(2);
  }
  await step('writing the ESM entry of the client (client/index.mjs)', () => writeEsmEntry(join(partial, 'client')));
  renameSync(partial, dist);
  // bench/lib/startup.ts reads the first size as the bundle B7 measures.
  console.error(`dist/ built; workflow bundle ${mib.plain} MiB, traced ${mib.traced} MiB`);
}

build().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
