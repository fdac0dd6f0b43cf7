import { metricMeter } from '@temporalio/workflow';
import { PipelineMetrics } from '../domain/pipeline-metrics';
import type { SceneEvent } from '../domain/scene-ledger';

/**
 * Counts what the scene's ledger reports on the workflow's metric meter. The SDK drops these while it replays a
 * history, so a scene replayed on another worker counts nothing twice, and recording issues no command.
 */
export function sceneMetrics(): (event: SceneEvent) => void {
  const metrics = new PipelineMetrics(metricMeter);
  return (event) => {
    switch (event.kind) {
      case 'attempt-ended': {
        const { provider, outcome, reason, sceneType } = event;
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
        metrics.add('scenes', 1, { outcome: event.outcome, scene_type: event.sceneType });
    }
  };
}
