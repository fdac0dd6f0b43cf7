import type { ProviderConfig } from '../contract/catalogue';
import { attemptSkipReason, overrunNote } from './budget';
import { estimateCostUsd, worstCaseCostUsd } from './pricing';

/**
 * A scene's own `maxCostUsd`. Held as a cap (runs that recorded `scene-budget-worst-case`): an attempt starts only
 * when its worst case fits in what is left, and a charge above the worst case stops the scene. Runs started before
 * that patch replay the check they made then: the estimate against what is spent, nothing stops them.
 */
export class SceneBudget {
  private readonly isCap: boolean;
  private stoppedReason?: string;
  /** A provider was skipped under the cap: the scene then ends for budget, not as "every provider failed". */
  skippedForCap = false;

  constructor(
    private readonly maxCostUsd: number | undefined,
    heldAsCap: boolean,
  ) {
    this.isCap = maxCostUsd !== undefined && heldAsCap;
  }

  /** Why the scene may not try `provider` having spent `spentUsd`, or undefined when it may. */
  skipReason(provider: ProviderConfig, durationSec: number, spentUsd: number): string | undefined {
    if (this.maxCostUsd === undefined) return undefined;
    if (!this.isCap) {
      const estimate = estimateCostUsd(provider, durationSec);
      if (spentUsd + estimate <= this.maxCostUsd) return undefined;
      return `estimated $${estimate.toFixed(4)} would exceed the budget ($${this.maxCostUsd} with $${spentUsd} spent)`;
    }
    const worstCase = worstCaseCostUsd(provider, durationSec);
    const reason = this.stoppedReason ?? attemptSkipReason(worstCase, spentUsd, this.maxCostUsd);
    if (reason !== undefined) this.skippedForCap = true;
    return reason;
  }

  /** The note for an attempt billed above its worst case, after which the scene tries no other provider. */
  overrun(provider: string, billedUsd: number, worstCaseUsd: number): string | undefined {
    if (!this.isCap) return undefined;
    const note = overrunNote(billedUsd, worstCaseUsd);
    if (note !== undefined)
      this.stoppedReason = `budget: not tried, the scene stopped after ${provider} ${note.replace(/^budget: /, '')}`;
    return note;
  }
}
