import { afterAll, beforeAll } from 'vitest';
import type { ActivityDeps } from '../../src/activities';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { sandboxActivityDeps } from './sandbox-deps';
import { stackInfo } from './stack-info';

/**
 * A sandbox with instant tasks and activity dependencies wired to it and the stack's S3, for one test file: started
 * before its tests, closed after them. Read them through the returned object once the tests run.
 */
export function sandboxActivityDepsPerFile(): { readonly sandbox: Sandbox; readonly deps: ActivityDeps } {
  let sandbox: Sandbox | undefined;
  let deps: ActivityDeps | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: { default: { queueMs: 0, renderMs: 0, latencyMs: 0 } } });
    deps = sandboxActivityDeps(sandbox, stackInfo().s3);
  });
  afterAll(async () => {
    deps?.s3.destroy();
    await sandbox?.close();
  });
  return {
    get sandbox() {
      return sandbox!;
    },
    get deps() {
      return deps!;
    },
  };
}
