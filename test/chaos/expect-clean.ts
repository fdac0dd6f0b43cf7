import { expect } from 'vitest';
import type { ScenarioReport } from './lib/report';

/** A scenario passes as `npm run test:chaos` judges it: every case as documented, no lost or doubled money or clip. */
export function expectClean(report: ScenarioReport): void {
  expect(report.problems).toEqual([]);
  expect({
    duplicates: report.duplicates,
    missingOrOrphans: report.missingOrOrphans,
    stuck: report.stuck,
    secrets: report.secrets,
  }).toEqual({ duplicates: 0, missingOrOrphans: 0, stuck: 0, secrets: 0 });
  expect(report.completed).toBe(report.scenes);
  expect(report.scenes).toBeGreaterThan(0);
}
