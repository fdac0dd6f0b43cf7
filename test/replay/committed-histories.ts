import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(__dirname, 'histories');

/** The file names of the committed histories (test/replay/histories); never re-recorded, only added to. */
export const historyFiles = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

export function loadHistory(file: string): temporal.api.history.v1.IHistory {
  return historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
}

/** Every committed history, named by its file, in the form `Worker.runReplayHistories` takes. */
export function committedHistories() {
  return historyFiles.map((file) => ({ workflowId: file, history: loadHistory(file) }));
}
