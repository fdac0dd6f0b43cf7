import type { MetricMeter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { httpStatusClass, pipelineMetrics } from '../../src/contract/metrics';
import { defaultCatalogue } from '../../src/config/catalogue';
import { PipelineMetrics } from '../../src/domain/pipeline-metrics';
import { recordingMeter } from '../helpers/recording-meter';
import { SceneMetrics } from '../../src/workflows/scene-metrics';

describe('HTTP status classes', () => {
  it.each([
    [200, '2xx'],
    [204, '2xx'],
    [302, '3xx'],
    [400, '4xx'],
    [404, '4xx'],
    [429, '4xx'],
    [499, '4xx'],
    [500, '5xx'],
    [503, '5xx'],
    [599, '5xx'],
  ])('%i → %s', (status, expected) => {
    expect(httpStatusClass(status)).toBe(expected);
  });
});

describe('recording the catalogue', () => {
  it("makes each instrument once, with the catalogue's name, unit, value type and help", () => {
    const { meter, made, values } = recordingMeter();
    const metrics = new PipelineMetrics(meter);
    metrics.add('attempts', 1, { provider: 'kling', outcome: 'failed', reason: 'deadline' });
    metrics.add('attempts', 1, { provider: 'runway', outcome: 'succeeded', reason: 'succeeded' });
    metrics.record('renderSeconds', 42.5, { provider: 'kling', outcome: 'succeeded' });
    metrics.add('tasksInFlight', 1, { provider: 'kling' });
    metrics.add('tasksInFlight', -1, { provider: 'kling' });
    expect(made).toEqual([
      { kind: 'counter', name: pipelineMetrics.attempts.name, unit: undefined, help: pipelineMetrics.attempts.help },
      {
        kind: 'histogram',
        name: pipelineMetrics.renderSeconds.name,
        unit: 's',
        help: pipelineMetrics.renderSeconds.help,
        valueType: 'float',
      },
      {
        kind: 'upDownCounter',
        name: pipelineMetrics.tasksInFlight.name,
        unit: undefined,
        help: pipelineMetrics.tasksInFlight.help,
      },
    ]);
    expect(values.map((v) => [v.name, v.value, v.tags])).toEqual([
      ['scene_video_provider_attempts_total', 1, { provider: 'kling', outcome: 'failed', reason: 'deadline' }],
      ['scene_video_provider_attempts_total', 1, { provider: 'runway', outcome: 'succeeded', reason: 'succeeded' }],
      ['scene_video_render_seconds', 42.5, { provider: 'kling', outcome: 'succeeded' }],
      ['scene_video_provider_tasks_in_flight', 1, { provider: 'kling' }],
      ['scene_video_provider_tasks_in_flight', -1, { provider: 'kling' }],
    ]);
  });

  it("says which metric a meter without up-down counters (the workflow's) cannot record", () => {
    const { meter } = recordingMeter();
    const withoutUpDown = { ...meter, createUpDownCounter: undefined } as MetricMeter;
    expect(() => new PipelineMetrics(withoutUpDown).add('tasksInFlight', 1, { provider: 'kling' })).toThrow(
      'scene_video_provider_tasks_in_flight: this meter has no up-down counters',
    );
  });

  it('gives every histogram its buckets, for the exporter to use by name', () => {
    for (const metric of Object.values(pipelineMetrics)) {
      if (metric.kind !== 'histogram') continue;
      expect('buckets' in metric && metric.buckets.length > 0, metric.name).toBe(true);
    }
  });
});

describe("the scene workflow's metrics", () => {
  const attemptEnded = (sceneType: string) =>
    ({
      kind: 'attempt-ended',
      provider: 'kling',
      sceneType,
      outcome: 'succeeded',
      reason: 'succeeded',
      costUsd: 0.5,
      estimateUsd: 0.5,
    }) as const;

  it('labels a scene type the catalogue knows as the ranking matches it, any other as `other`: clients name types freely', () => {
    const { meter, values } = recordingMeter();
    const metrics = new SceneMetrics(meter);
    metrics.knowCatalogue(defaultCatalogue);
    metrics.observe(attemptEnded('Hook'));
    metrics.observe({ kind: 'scene-ended', sceneType: 'hook', outcome: 'succeeded' });
    metrics.observe(attemptEnded('scene-4f1c2a9b'));
    metrics.observe({ kind: 'scene-ended', sceneType: 'scene-4f1c2a9b', outcome: 'failed' });
    expect(values.filter((v) => v.tags?.scene_type !== undefined).map((v) => v.tags?.scene_type)).toEqual([
      'hook',
      'hook',
      'hook',
      'other',
      'other',
      'other',
    ]);
  });
});
