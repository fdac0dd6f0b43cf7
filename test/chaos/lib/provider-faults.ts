import type { SandboxStats } from '../../../dev/sandbox';

/** The faults the providers actually showed a run: create requests answered with an error, and tasks that failed. */
export function providerFaults(stats: SandboxStats): { failedCreates: number; failedTasks: number } {
  const failedCreates = Object.entries(stats.requests)
    .filter(([route]) => route.startsWith('POST'))
    .flatMap(([, byStatus]) => Object.entries(byStatus))
    .filter(([status]) => status !== '200')
    .reduce((n, [, count]) => n + count, 0);
  return { failedCreates, failedTasks: stats.tasks.filter((t) => /failed/i.test(t.status)).length };
}
