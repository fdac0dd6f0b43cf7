import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(__dirname, '..', '..');
const sandboxDir = join(root, 'dev', 'sandbox');

/** Every relative module a file imports or re-exports, as a path from the repository root. */
function importedPaths(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/\bfrom '(\.[^']+)'/g)].map((m) => relative(root, resolve(dirname(file), m[1]!)));
}

it('the emulators state the APIs on their own: nothing in dev/sandbox imports the product (src/)', () => {
  const files = readdirSync(sandboxDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(sandboxDir, f));
  expect(files.length).toBeGreaterThan(15);
  const intoProduct = files.flatMap((f) =>
    importedPaths(f)
      .filter((p) => p.startsWith('src/'))
      .map((p) => `${relative(root, f)} → ${p}`),
  );
  expect(intoProduct).toEqual([]);
});
