import { join } from 'node:path';

/**
 * Node's arguments that run the `scene-video` CLI from the TypeScript source, so tests exercise the code as it is now
 * and never a stale dist/; the built bin is exercised by the package tests (test/package).
 */
export const cliFromSource = ['--require', 'tsx/cjs', join(__dirname, '..', '..', 'src', 'cli', 'main.ts')];
