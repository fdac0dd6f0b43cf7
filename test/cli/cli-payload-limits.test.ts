import { WorkflowNotFoundError } from '@temporalio/client';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inputTooLarge } from '../../src/contract/payload-limits';
import { projectWorkflowId } from '../../src/contract/workflow-ids';
import { largestSchemaProject } from '../chaos/cases/large-projects';
import { connectClient } from '../helpers/temporal';
import { runCli, stackEnv } from './run-cli';

let conn: Awaited<ReturnType<typeof connectClient>>;
beforeAll(async () => {
  conn = await connectClient();
});
afterAll(async () => conn?.connection.close());

it('`scene-video project` refuses a project too large to start, naming the limit, exits 2 and starts nothing', async () => {
  const projectId = `too-large-${Math.random().toString(36).slice(2, 8)}`;
  const project = largestSchemaProject(projectId);
  const file = join(mkdtempSync(join(tmpdir(), 'svw-payload-')), 'project.json');
  writeFileSync(file, JSON.stringify(project));

  const run = await runCli(['project', file], stackEnv('payload-refused'));
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).toContain(inputTooLarge('project', project)!);
  expect(run.stderr).toMatch(
    /over the limit of 1,048,576 bytes \(1 MiB\) per project: split it into projects of at most \d+ of its 500 scenes/,
  );
  expect(run.stderr).not.toMatch(/reachable/i);
  const err = await conn.client.workflow
    .getHandle(projectWorkflowId(projectId))
    .describe()
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowNotFoundError);
});
