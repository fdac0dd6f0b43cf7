import type { SceneOutcome } from './outcomes';
import type { PaymentAudit } from './payment-audit';
import type { StorageAudit } from './storage-audit';

/** One scenario's verdict: the summary-table figures, plus every way it did not end as documented. */
export interface ScenarioReport {
  name: string;
  scenes: number;
  faults: number;
  /** Scenes (or cases) that reached their documented end state. */
  completed: number;
  duplicates: number;
  ambiguousUnrecorded: number;
  missingOrOrphans: number;
  stuck: number;
  secrets: number;
  problems: string[];
  figures: string[];
}

export function emptyReport(name: string): ScenarioReport {
  return {
    name,
    scenes: 0,
    faults: 0,
    completed: 0,
    duplicates: 0,
    ambiguousUnrecorded: 0,
    missingOrOrphans: 0,
    stuck: 0,
    secrets: 0,
    problems: [],
    figures: [],
  };
}

/**
 * For scenarios where every scene must store its clip: each outcome is a scene, a stored clip completes it, and any
 * other end is a problem (a stuck one is counted by `addAudits`).
 */
export function tallyStored(report: ScenarioReport, outcomes: SceneOutcome[]): void {
  report.scenes = outcomes.length;
  for (const o of outcomes) {
    if (o.status === 'completed' && o.result?.stored) report.completed++;
    else if (o.status !== 'stuck')
      report.problems.push(`${o.workflowId} did not store its clip: ${o.failure?.message ?? o.result?.warning}`);
  }
}

/** Folds the ledger and storage audits into the report; every finding is also listed as a problem or a figure. */
export function addAudits(
  report: ScenarioReport,
  outcomes: SceneOutcome[],
  payments: PaymentAudit,
  storage?: StorageAudit,
): void {
  report.stuck += outcomes.filter((o) => o.status === 'stuck').length;
  report.duplicates += payments.duplicates.length;
  report.ambiguousUnrecorded += payments.ambiguousUnrecorded.length;
  report.problems.push(
    ...outcomes.filter((o) => o.status === 'stuck').map((o) => `stuck: ${o.workflowId}`),
    ...payments.duplicates.map((d) => `duplicate paid task: ${d}`),
    ...payments.phantoms.map((p) => `recorded task unknown to the provider: ${p}`),
  );
  report.figures.push(
    `ledger: ${payments.created} tasks created, ${payments.recorded} recorded by attempts, ` +
      `${payments.duplicates.length} duplicate(s), ${payments.ambiguousUnrecorded.length} ambiguous create(s) with an unrecorded task`,
    ...payments.ambiguousUnrecorded.map((a) => `  ambiguous create, task unrecorded: ${a}`),
  );
  if (!storage) return;
  const bad = [...storage.missing, ...storage.orphans, ...storage.partial, ...storage.pendingUploads];
  report.missingOrOrphans += bad.length;
  report.problems.push(
    ...storage.missing.map((m) => `missing S3 object: ${m}`),
    ...storage.orphans.map((o) => `orphan S3 object: ${o}`),
    ...storage.partial.map((p) => `partial S3 object: ${p}`),
    ...storage.pendingUploads.map((u) => `unfinished multipart upload: ${u}`),
  );
  report.figures.push(
    `storage: ${storage.objects} object(s) (${storage.manifests} project manifest(s)), ${storage.missing.length} missing, ${storage.orphans.length} orphan(s), ` +
      `${storage.partial.length} partial, ${storage.pendingUploads.length} unfinished multipart upload(s)`,
  );
}

export function passed(r: ScenarioReport): boolean {
  return r.problems.length === 0 && r.duplicates + r.missingOrOrphans + r.stuck + r.secrets === 0;
}

export function printFigures(r: ScenarioReport, write: (line: string) => void = console.log): void {
  write(`\n== ${r.name}: ${passed(r) ? 'PASS' : 'FAIL'}`);
  for (const f of r.figures) write(`  ${f}`);
  for (const p of r.problems) write(`  ✗ ${p}`);
}

export function summaryTable(reports: ScenarioReport[]): string {
  const header = [
    'scenario',
    'scenes',
    'faults injected',
    'completed',
    'duplicate paid tasks',
    'ambiguous (unrecorded)',
    'missing/orphan S3',
    'stuck',
    'secrets found',
    'verdict',
  ];
  const rows = reports.map((r) => [
    r.name,
    `${r.scenes}`,
    `${r.faults}`,
    `${r.completed}/${r.scenes}`,
    `${r.duplicates}`,
    `${r.ambiguousUnrecorded}`,
    `${r.missingOrOrphans}`,
    `${r.stuck}`,
    `${r.secrets}`,
    passed(r) ? 'PASS' : 'FAIL',
  ]);
  return formatTable(header, rows);
}

/** A Markdown table, the first column left-aligned and the figures right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
