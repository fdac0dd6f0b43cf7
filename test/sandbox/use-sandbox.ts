import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { fast } from './http';

/**
 * One sandbox for the whole test file, handed to `onStart` once it listens, and put back to the `fast` scenario with
 * empty stats before each test; closed after the last.
 */
export function useSandbox(onStart: (sb: Sandbox) => void): void {
  let sb: Sandbox | undefined;
  beforeAll(async () => {
    sb = await startSandbox({ scenario: fast });
    onStart(sb);
  });
  afterAll(() => sb?.close());
  beforeEach(() => {
    sb!.setScenario(fast);
    sb!.reset();
  });
}
