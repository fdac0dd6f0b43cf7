import { provision } from './provision';

// Every tool: the stack's servers and the compose implementation test/package/compose-config.test.ts checks with.
provision()
  .then((paths) => {
    for (const [name, path] of Object.entries(paths)) console.log(`${name}: ${path}`);
  })
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
