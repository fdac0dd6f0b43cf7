import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { targetText, type BenchResult } from './figures';
import { machineLine, type Machine } from './machine';

export const resultsDir = join(__dirname, '..', 'results');
const readmePath = join(__dirname, '..', 'README.md');
const tableStart = '<!-- results:start -->';
const tableEnd = '<!-- results:end -->';

export interface RunRecord {
  startedAt: string;
  args: string[];
  wallSeconds: number;
  benchmarks: string[];
}

export interface ResultsFile {
  date: string;
  machine: Machine;
  runs: RunRecord[];
  benchmarks: BenchResult[];
}

/**
 * Merges this run into the day's file: a benchmark run again replaces its earlier result, the others stay, so
 * `--only B3` refreshes one row without losing the rest of the day's table.
 */
export function writeResults(date: string, machine: Machine, run: RunRecord, results: BenchResult[]): ResultsFile {
  mkdirSync(resultsDir, { recursive: true });
  const jsonPath = join(resultsDir, `${date}.json`);
  const previous = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as ResultsFile) : undefined;
  const merged = mergeResults(previous, { date, machine, runs: [run], benchmarks: results });
  writeFileSync(jsonPath, `${JSON.stringify(merged, null, 2)}\n`);
  writeFileSync(join(resultsDir, `${date}.md`), markdownReport(merged));
  return merged;
}

/**
 * The day's results with a run's added. A benchmark that ran replaces its earlier result of the same size, completed
 * from it when it ran in part (`completeWith`); one that failed keeps the earlier figures and says it failed.
 */
export function mergeResults(previous: ResultsFile | undefined, latest: ResultsFile): ResultsFile {
  const fresh = new Set(latest.benchmarks.map((r) => r.id));
  const completed = latest.benchmarks.map(({ completeWith, ...result }) => {
    const earlier = previous?.benchmarks.find((b) => b.id === result.id && b.quick === result.quick);
    if (earlier && result.figures.length === 0)
      return {
        ...earlier,
        notes: [...earlier.notes, `A later run started at ${result.startedAt} failed: ${result.notes.join(' ')}`],
      };
    return completeWith && earlier ? { ...result, ...completeWith(earlier) } : result;
  });
  return {
    ...latest,
    runs: [...(previous?.runs ?? []), ...latest.runs],
    benchmarks: [...(previous?.benchmarks ?? []).filter((b) => !fresh.has(b.id)), ...completed].sort((a, b) =>
      a.id.localeCompare(b.id),
    ),
  };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function resultsTable(file: ResultsFile): string {
  const rows = [
    '| Benchmark | Figure | Value | Spread | Unit | Target | Met? |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const b of file.benchmarks) {
    for (const f of b.figures) {
      const met = f.met === undefined ? '—' : f.met ? 'yes' : '**no**';
      const value = f.value === null ? 'n/a' : String(f.value);
      const name = f.note ? `${f.name} (${f.note})` : f.name;
      rows.push(
        `| ${b.id}${b.quick ? ' (quick)' : ''} | ${cell(name)} | ${value} | ${cell(f.spread ?? '—')} | ${cell(f.unit)} | ${cell(targetText(f.target))} | ${met} |`,
      );
    }
  }
  return rows.join('\n');
}

function markdownReport(file: ResultsFile): string {
  const lines = [
    `# Benchmark results ${file.date}`,
    '',
    `Machine: ${machineLine(file.machine)}.`,
    '',
    ...file.runs.map(
      (r) =>
        `- Run started ${r.startedAt}: \`npm run bench${r.args.length ? ` -- ${r.args.join(' ')}` : ''}\`, ` +
        `${r.benchmarks.join(', ')}, ${Math.round(r.wallSeconds)} s wall.`,
    ),
    '',
    resultsTable(file),
    '',
  ];
  for (const b of file.benchmarks) {
    lines.push(
      `## ${b.id} ${b.title}${b.quick ? ' (quick)' : ''}`,
      '',
      `Ran ${b.startedAt}, ${Math.round(b.wallSeconds)} s.`,
      '',
    );
    for (const note of b.notes) lines.push(`- ${note}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Puts the table of a full run into bench/README.md between its markers, formatted as `prettier --check` expects. */
export async function updateReadmeTable(file: ResultsFile): Promise<void> {
  if (!existsSync(readmePath)) return;
  const readme = readFileSync(readmePath, 'utf8');
  const from = readme.indexOf(tableStart);
  const to = readme.indexOf(tableEnd);
  if (from < 0 || to < from) return;
  const table = [
    tableStart,
    '',
    `Results of ${file.date} (\`bench/results/${file.date}.md\` has the notes), machine: ${machineLine(file.machine)}.`,
    '',
    resultsTable(file),
    '',
  ].join('\n');
  const options = (await resolveConfig(readmePath)) ?? {};
  writeFileSync(
    readmePath,
    await format(readme.slice(0, from) + table + readme.slice(to), { ...options, filepath: readmePath }),
  );
}
