import { type Catalogue } from '../../../src/contract/catalogue';
import { defaultCatalogue } from '../../../src/config/catalogue';
import type { SandboxStats } from '../../../dev/sandbox';
import { failureTypes } from '../../../src/contract/scene-workflow';
import { promptTag, type SceneOutcome } from './outcomes';

export interface PaymentAudit {
  /** Tasks the sandbox created (and so charged) for these scenes. */
  created: number;
  /** Attempts the workflows recorded with a task id. */
  recorded: number;
  /** Tasks no attempt records and no ambiguous attempt can account for: paid twice. */
  duplicates: string[];
  /** Tasks an attempt recorded as AmbiguousCreate may have created (at most one each): reported, not hidden. */
  ambiguousUnrecorded: string[];
  /** Recorded task ids the provider never created: a bookkeeping bug. */
  phantoms: string[];
}

/**
 * The ledger check: exactly one created task per attempt recorded with a task id, matched by the scene tag in the
 * prompt. Tasks carrying no known scene's tag count as duplicates too: nobody can have wanted them.
 */
export function auditPayments(
  outcomes: SceneOutcome[],
  stats: SandboxStats,
  catalogue: Catalogue = defaultCatalogue,
): PaymentAudit {
  const modelKey = new Map(catalogue.map((p) => [p.key, `${p.route}:${p.model}`]));
  const audit: PaymentAudit = { created: 0, recorded: 0, duplicates: [], ambiguousUnrecorded: [], phantoms: [] };
  const claimed = new Set<string>();
  for (const outcome of outcomes) {
    const tasks = stats.tasks.filter((t) => t.prompt.includes(promptTag(outcome.tag)));
    tasks.forEach((t) => claimed.add(t.taskId));
    audit.created += tasks.length;
    const recorded = outcome.attempts.filter((a) => a.taskId !== undefined);
    audit.recorded += recorded.length;
    const recordedIds = new Set(recorded.map((a) => a.taskId!));
    if (recordedIds.size !== recorded.length)
      audit.duplicates.push(`${outcome.workflowId}: one task recorded by two attempts`);
    for (const id of recordedIds) {
      if (!tasks.some((t) => t.taskId === id)) audit.phantoms.push(`${outcome.workflowId}: ${id}`);
    }
    const ambiguous = outcome.attempts.filter(
      (a) => a.taskId === undefined && a.error?.startsWith(failureTypes.ambiguousCreate),
    );
    const ambiguousSlots = ambiguous.map((a) => modelKey.get(a.provider));
    for (const task of tasks.filter((t) => !recordedIds.has(t.taskId))) {
      const slot = ambiguousSlots.indexOf(`${task.api}:${task.model}`);
      let line = `${outcome.workflowId}: ${task.api}:${task.model} task ${task.taskId} (${task.status})`;
      if (slot >= 0) {
        // Why the attempt could not tell: a worker lost mid-create, an unreadable reply, …
        line += ` — ${ambiguous[slot]!.error!.slice(failureTypes.ambiguousCreate.length + 2, 140)}`;
        ambiguous.splice(slot, 1);
        ambiguousSlots.splice(slot, 1);
        audit.ambiguousUnrecorded.push(line);
      } else audit.duplicates.push(line);
    }
  }
  for (const t of stats.tasks.filter((t) => !claimed.has(t.taskId))) {
    audit.duplicates.push(`no scene: ${t.api}:${t.model} task ${t.taskId} (prompt "${t.prompt.slice(0, 60)}")`);
  }
  return audit;
}
