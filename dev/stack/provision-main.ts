import { provisionAll } from './provision';

provisionAll()
  .then((paths) => {
    for (const [name, path] of Object.entries(paths)) console.log(`${name}: ${path}`);
  })
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
