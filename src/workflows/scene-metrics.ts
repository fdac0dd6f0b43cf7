import { metricMeter } from '@temporalio/workflow';
import type { Catalogue } from '../contract/catalogue';
import { sceneTypeLabel } from '../contract/metrics';
import { PipelineMetrics } from '../domain/pipeline-metrics';
import type { SceneEvent } from '../domain/scene-ledger';

/**
 * Counts what the scene's ledger reports on the workflow's metric meter. The SDK drops these while it replays a
 * history, so a scene replayed on another worker counts nothing twice, and recording issues no command.
 */
export class SceneMetrics {
  private readonly metrics = new PipelineMetrics(metricMeter);
  private strengths: readonly string[] = [];

  /** The catalogue the scene was planned with: its strengths are the scene types labels may name. */
  catalogued(catalogue: Catalogue): void {
    this.strengths = catalogue.flatMap((p) => p.strengths);
  }

  readonly observe = (event: SceneEvent): void => {
    const { metrics } = this;
    switch (event.kind) {
      case 'attempt-ended': {
        const { provider, outcome, reason } = event;
        const scene_type = this.label(event.sceneType);
        metrics.add('attempts', 1, { provider, outcome, reason });
        metrics.record('billedUsd', event.costUsd, { provider, scene_type });
        if (event.estimateUsd !== undefined)
          metrics.record('estimatedUsd', event.estimateUsd, { provider, scene_type });
        return;
      }
      case 'fell-back':
        metrics.add('fallbacks', 1, { from_provider: event.from, to_provider: event.to, reason: event.reason });
        return;
      case 'scene-ended':
        metrics.add('scenes', 1, { outcome: event.outcome, scene_type: this.label(event.sceneType) });
    }
  };

  private label(sceneType: string): string {
    return sceneTypeLabel(sceneType, this.strengths);
  }
}
