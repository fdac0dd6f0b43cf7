import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { writeFileSync } from 'node:fs';
import type { Command } from '../command';
import { CliError, exitCodes } from '../errors';
import { bytes } from '../format';
import { noSetupCheck, withTemporal } from '../session';
import { describeWorkflow } from '../workflow-view';

export const historyExportCommand: Command = {
  name: 'history export',
  summary: "Write a workflow's event history to a JSON file that Worker.runReplayHistory can replay",
  usage: {
    positionals: [
      { name: 'workflowId', description: 'The workflow to export (its latest run)' },
      { name: 'file', description: 'Where to write the history JSON' },
    ],
    options: {},
    details: [
      'Use it to reproduce a production run locally or to keep a replay test: the file is the same JSON the Temporal',
      'CLI and UI export. Exit codes: 0 written, 1 the file could not be written, 3 no such workflow.',
    ],
    examples: ['scene-video history export scene-video:launch:hook-1 hook-1.history.json'],
  },
  async run(args, { out, env }) {
    const workflowId = args.positional(0);
    const file = args.positional(1);
    return withTemporal(
      env,
      async ({ client }) => {
        const { status, runId } = await describeWorkflow(client, workflowId);
        const history = await client.workflow.getHandle(workflowId).fetchHistory();
        const json = historyToJSON(history);
        try {
          writeFileSync(file, json);
        } catch (err) {
          throw new CliError(`cannot write ${file}: ${(err as Error).message}`, exitCodes.failed);
        }
        const events = history.events?.length ?? 0;
        const size = Buffer.byteLength(json);
        out.emit(
          { workflowId, runId, status: status.name, file, events, bytes: size },
          () => `Wrote ${events} events of ${workflowId} (${status.name}) to ${file} (${bytes(size)}).`,
        );
        return exitCodes.ok;
      },
      noSetupCheck,
    );
  },
};
