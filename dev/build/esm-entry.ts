import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * ESM consumers get the same CommonJS module instance as `require` (one copy of the client, no dual-package hazard),
 * under named exports listed from the compiled module itself, so the list cannot drift from the code.
 */
export function writeEsmEntry(folder: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled module is known only at build time
  const names = Object.keys(require(join(folder, 'index.js')) as object).filter((n) => n !== '__esModule');
  if (names.length === 0) throw new Error(`${folder}/index.js exports nothing; the ESM entry would be empty.`);
  writeFileSync(
    join(folder, 'index.mjs'),
    `import client from './index.js';\n\nexport const { ${names.join(', ')} } = client;\n`,
  );
  writeFileSync(join(folder, 'index.d.mts'), `export * from './index.js';\n`);
}
