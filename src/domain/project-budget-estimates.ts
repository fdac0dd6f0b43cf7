import { roundUsd } from './pricing';

export type EstimateDecision = { kind: 'start'; maxCostUsd?: number } | { kind: 'skip'; reason: string };

/**
 * A project's budget as runs started before budgets were hard caps keep it (they replay through it), and a project
 * without a budget: a scene starts when what is left, after what the project's scenes cost and the cheapest estimates
 * of those running, covers its own cheapest estimate; its child may spend what is left, within its own `maxCostUsd`.
 * Without a budget every scene starts, at its own `maxCostUsd`.
 */
export class EstimateReservations {
  private reservedUsd = 0;

  constructor(private readonly budgetUsd: number | undefined) {}

  decide(cheapestEstimateUsd: number, costUsd: number, capUsd: number | undefined): EstimateDecision {
    const left = this.budgetUsd === undefined ? undefined : roundUsd(this.budgetUsd - costUsd - this.reservedUsd);
    if (left !== undefined && left < cheapestEstimateUsd) {
      const reason = `budget: $${left.toFixed(4)} left cannot cover the cheapest estimate $${cheapestEstimateUsd.toFixed(4)}`;
      return { kind: 'skip', reason };
    }
    const caps = [capUsd, left].filter((v): v is number => v !== undefined);
    return { kind: 'start', maxCostUsd: caps.length > 0 ? Math.min(...caps) : undefined };
  }

  reserve(cheapestEstimateUsd: number): void {
    this.reservedUsd += cheapestEstimateUsd;
  }

  release(cheapestEstimateUsd: number): void {
    this.reservedUsd -= cheapestEstimateUsd;
  }
}
