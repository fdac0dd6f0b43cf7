import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

describe('workflow bundle', () => {
  it('bundles src/workflows without Node built-ins or activity implementations', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: join(__dirname, '../../src/workflows/index.ts'),
      logger: new DefaultLogger('WARN'),
    });
    expect(code.length).toBeGreaterThan(1000);
  });
});
