import type { LiveProjectProgress } from '../../src/client/project-videos';
import { renderView } from '../../src/cli/progress-tables';

const plain = { bold: String, dim: String, green: String, red: String, yellow: String };
const runningPhases = new Set(['running', 'ranking', 'generating', 'uploading']);
const categories = ['succeeded', 'unstored', 'running', 'pending', 'failed', 'cancelled', 'skipped'];
/** The Scenes line's words for a category where they are not its name. */
const labels: Record<string, string> = { 'generated but not stored': 'unstored' };

/**
 * What a person reads in `scene-video status <project>`: the counts of the "Scenes" line and the phases of the table's
 * rows (a row's live phase — ranking, generating, uploading — counts as running). Each as category → number.
 */
export function countsAndRows(progress: LiveProjectProgress): {
  counts: Record<string, number>;
  rows: Record<string, number>;
} {
  const text = renderView(
    {
      kind: 'project',
      workflowId: 'project-video-x',
      runId: 'r',
      status: 'RUNNING',
      taskQueue: 'q',
      startTime: new Date().toISOString(),
      progressSource: 'query',
      progress,
    },
    plain,
  );
  return countsAndRowsOfText(text);
}

/** The same, read from the text of a project view (e.g. what `scene-video status <project>` printed). */
export function countsAndRowsOfText(text: string): { counts: Record<string, number>; rows: Record<string, number> } {
  const summary = /^Scenes\s+\d+: (.*)$/m.exec(text);
  if (!summary) throw new Error(`no Scenes line in:\n${text}`);
  const counts = Object.fromEntries(categories.map((c) => [c, 0]));
  for (const part of summary[1]!.split(', ')) {
    const [n, ...words] = part.split(' ');
    const label = words.join(' ');
    counts[labels[label] ?? label] = Number(n);
  }
  const rows = Object.fromEntries(categories.map((c) => [c, 0]));
  const lines = text.split('\n');
  const header = lines.findIndex((l) => l.startsWith('SCENE'));
  for (const line of lines.slice(header + 1).filter((l) => l.trim() !== '')) {
    const phase = line.trim().split(/\s+/)[2]!;
    const category = runningPhases.has(phase) ? 'running' : phase;
    rows[category] = (rows[category] ?? 0) + 1;
  }
  return { counts, rows };
}
