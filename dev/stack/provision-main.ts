import { provision } from './provision';

// The stack's servers and the compose implementation test/package/compose-config.test.ts checks with. The cluster's
// (Temporal server, SQL tool, Web UI server) are built by `npm run test:cluster` on first use, after the CLI, whose Go
// build cache holds most of the server's packages.
provision(['temporal', 'versitygw', 'compose'])
  .then((paths) => {
    for (const [name, path] of Object.entries(paths)) console.log(`${name}: ${path}`);
  })
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
