import { describe, expect, it } from 'vitest';
import type { BillingRule } from '../../src/contract/catalogue';
import { billedCostUsd, type AttemptOutcome } from '../../src/domain/billing';

const worstCase = 1.2;

type Cell = [outcome: AttemptOutcome['kind'], rule: BillingRule, billed: number, why: string];

// Each outcome as the workflow decodes it with nothing reported by the provider; an abandoned task had started
// rendering (its last state was `running`), a failed one was not moderated.
const outcomes: Record<AttemptOutcome['kind'], AttemptOutcome> = {
  succeeded: { kind: 'succeeded' },
  'not-created': { kind: 'not-created' },
  ambiguous: { kind: 'ambiguous' },
  'task-failed': { kind: 'task-failed', contentPolicy: false },
  abandoned: { kind: 'abandoned' },
};

const matrix: Cell[] = [
  [
    'succeeded',
    'success_only',
    worstCase,
    'every rule bills a delivered clip; with no report it counts at its worst case',
  ],
  ['succeeded', 'success_or_moderated', worstCase, 'every rule bills a delivered clip'],
  ['succeeded', 'always', worstCase, 'every rule bills a delivered clip'],
  ['not-created', 'success_only', 0, 'the create was refused: there is no task to bill'],
  ['not-created', 'success_or_moderated', 0, 'the create was refused: there is no task to bill'],
  ['not-created', 'always', 0, 'the create was refused: there is no task to bill'],
  ['ambiguous', 'success_only', worstCase, 'a task may exist that nobody can cancel: it renders and bills'],
  ['ambiguous', 'success_or_moderated', worstCase, 'a task may exist that nobody can cancel: it renders and bills'],
  ['ambiguous', 'always', worstCase, 'a task may exist that nobody can cancel: it renders and bills'],
  ['task-failed', 'success_only', 0, 'the provider refunds a failed task'],
  ['task-failed', 'success_or_moderated', 0, 'only a moderated failure is charged, and this one was not'],
  ['task-failed', 'always', worstCase, 'the provider charges every task it ran'],
  ['abandoned', 'success_only', worstCase, 'a task left rendering may still finish, and a finished clip bills'],
  ['abandoned', 'success_or_moderated', worstCase, 'a task left rendering may still finish, and a finished clip bills'],
  ['abandoned', 'always', worstCase, 'a task left rendering is charged whatever becomes of it'],
];

describe('billedCostUsd: 5 outcomes × 3 billing rules, nothing reported', () => {
  it('has every cell', () => {
    expect(new Set(matrix.map(([o, r]) => `${o}/${r}`)).size).toBe(15);
  });

  it.each(matrix)('%s under %s bills %d: %s', (outcome, rule, billed) => {
    expect(billedCostUsd(rule, worstCase, outcomes[outcome], 'running')).toBe(billed);
  });
});

describe('billedCostUsd: what the provider reported, and where the task was', () => {
  it('takes the reported charge of a delivered clip under every rule, even above the worst case', () => {
    for (const rule of ['success_only', 'success_or_moderated', 'always'] as const) {
      expect(billedCostUsd(rule, worstCase, { kind: 'succeeded', reportedCostUsd: 0.5 })).toBe(0.5);
      expect(billedCostUsd(rule, worstCase, { kind: 'succeeded', reportedCostUsd: 2 })).toBe(2);
    }
  });

  it('takes the reported charge of a failed task over the rule, a reported zero included', () => {
    const failed = (reportedCostUsd: number): AttemptOutcome => ({
      kind: 'task-failed',
      contentPolicy: false,
      reportedCostUsd,
    });
    expect(billedCostUsd('success_only', worstCase, failed(0.3))).toBe(0.3);
    expect(billedCostUsd('always', worstCase, failed(0))).toBe(0);
  });

  it('charges a moderated failure under success_or_moderated (Runway) and always, not under success_only', () => {
    const moderated: AttemptOutcome = { kind: 'task-failed', contentPolicy: true };
    expect(billedCostUsd('success_only', worstCase, moderated)).toBe(0);
    expect(billedCostUsd('success_or_moderated', worstCase, moderated)).toBe(worstCase);
    expect(billedCostUsd('always', worstCase, moderated)).toBe(worstCase);
  });

  it('never charges a task abandoned while still queued, under any rule', () => {
    for (const rule of ['success_only', 'success_or_moderated', 'always'] as const)
      expect(billedCostUsd(rule, worstCase, { kind: 'abandoned' }, 'queued')).toBe(0);
  });

  it('never charges a task cancelled while still queued, and keeps that for runs that recorded no cancel answer', () => {
    for (const rule of ['success_only', 'success_or_moderated', 'always'] as const) {
      expect(billedCostUsd(rule, worstCase, { kind: 'abandoned', cancel: { sent: true } }, 'queued')).toBe(0);
      expect(billedCostUsd(rule, worstCase, { kind: 'abandoned', cancel: undefined }, 'queued')).toBe(0);
    }
  });

  it('counts a queued task its model could not cancel at its worst case, under every rule: it renders on', () => {
    const uncancelled: AttemptOutcome = {
      kind: 'abandoned',
      cancel: { sent: false, reason: 'hailuo has no cancel API' },
    };
    for (const rule of ['success_only', 'success_or_moderated', 'always'] as const) {
      expect(billedCostUsd(rule, worstCase, uncancelled, 'queued')).toBe(worstCase);
      expect(billedCostUsd(rule, worstCase, uncancelled, 'running')).toBe(worstCase);
    }
  });

  it('counts an abandoned task whose state is unknown at its worst case', () => {
    expect(billedCostUsd('success_only', worstCase, { kind: 'abandoned' })).toBe(worstCase);
  });

  it('ignores the last state for every other outcome', () => {
    expect(billedCostUsd('always', worstCase, { kind: 'ambiguous' }, 'queued')).toBe(worstCase);
    expect(billedCostUsd('always', worstCase, { kind: 'not-created' }, 'running')).toBe(0);
  });
});
