import type { MetricMeter } from '@temporalio/common';
import { metricMeter } from '@temporalio/workflow';
import type { ProviderConfig } from '../contract/catalogue';
import { PipelineMetrics, sceneTypeLabel } from '../domain/pipeline-metrics';
import type { SceneEvent } from '../domain/scene-ledger';
import { recordTaskTimes } from '../domain/task-times';
import type { ProviderTaskSnapshot } from '../contract/provider-task';

/**
 * Counts what the scene's ledger reports on the workflow's metric meter. The SDK drops these while it replays a
 * history, so a scene replayed on another worker counts nothing twice, and recording issues no command.
 */
export class SceneMetrics {
  private readonly metrics: PipelineMetrics;
  private catalogue: readonly Pick<ProviderConfig, 'strengths'>[] = [];

  constructor(meter: MetricMeter = metricMeter) {
    this.metrics = new PipelineMetrics(meter);
  }

  /** The scene types `scene_type` may name; known before the ledger reports anything, once the scene is prepared. */
  knowCatalogue(catalogue: readonly Pick<ProviderConfig, 'strengths'>[]): void {
    this.catalogue = catalogue;
  }

  /** A task learnt of by its webhook ended: its times, as a poll would have recorded them. */
  taskEnded(provider: string, snapshot: ProviderTaskSnapshot, waitedMs: number): void {
    recordTaskTimes(this.metrics, provider, snapshot, { elapsedMs: waitedMs, throttledMs: 0 }, Date.now());
  }

  readonly observe = (event: SceneEvent): void => {
    const { metrics } = this;
    switch (event.kind) {
      case 'attempt-ended': {
        const { provider, outcome, reason } = event;
        const sceneType = sceneTypeLabel(event.sceneType, this.catalogue);
        metrics.add('attempts', 1, { provider, outcome, reason });
        metrics.record('billedUsd', event.costUsd, { provider, scene_type: sceneType });
        if (event.estimateUsd !== undefined)
          metrics.record('estimatedUsd', event.estimateUsd, { provider, scene_type: sceneType });
        return;
      }
      case 'fell-back':
        metrics.add('fallbacks', 1, { from_provider: event.from, to_provider: event.to, reason: event.reason });
        return;
      case 'scene-ended':
        metrics.add('scenes', 1, {
          outcome: event.outcome,
          scene_type: sceneTypeLabel(event.sceneType, this.catalogue),
        });
    }
  };
}
