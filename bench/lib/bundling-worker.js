'use strict';
// B7's variant (b), run by plain Node as `node bench/lib/bundling-worker.js worker`: the compiled worker exactly as
// `node bin/scene-video.js worker` runs it (the same CLI, runWorker, storage check and Worker.create from dist/), except
// that the workflows are bundled with webpack at start instead of loaded from dist/workflow-bundle.js. The product has
// no switch for that, so this entry wraps Worker.create, which dist/worker/create-worker.js calls as
// `worker_1.Worker.create(...)`, and swaps the prebuilt bundle for the bundle of the same source that `npm run build`
// bundles (src/workflows/index.ts, the same bundler options): the same code, so only the bundling step differs.
// Plain JavaScript so that no TypeScript loader's cost enters the measurement.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { bundleWorkflowCode, DefaultLogger, Worker } = require('@temporalio/worker');

const root = join(__dirname, '..', '..');
const prebuilt = join(root, 'dist', 'workflow-bundle.js');
const workflowsPath = join(root, 'src', 'workflows', 'index.ts');

const create = Worker.create;
let bundledCode;
Worker.create = async function createBundlingAtStart(options) {
  const codePath = options.workflowBundle && options.workflowBundle.codePath;
  if (codePath !== prebuilt)
    throw new Error(`bundling-worker: expected the prebuilt bundle ${prebuilt}, got ${codePath}`);
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  bundledCode = bundle.code;
  return create.call(this, { ...options, workflowBundle: bundle });
};

// After the measured window: B7 reads this line to confirm that both variants ran the same workflow code.
process.on('exit', () => {
  if (bundledCode === undefined) return;
  const same = bundledCode === readFileSync(prebuilt, 'utf8');
  console.log(`bench bundling worker: bundle ${same ? 'identical to' : 'different from'} dist/workflow-bundle.js`);
});

require(join(root, 'bin', 'scene-video.js'));
