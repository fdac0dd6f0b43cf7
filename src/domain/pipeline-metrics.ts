import {
  noopMetricMeter,
  type MetricCounter,
  type MetricHistogram,
  type MetricMeter,
  type MetricUpDownCounter,
} from '@temporalio/common';
import {
  pipelineMetrics,
  type AttemptOutcomeLabel,
  type AttemptReason,
  type HttpStatusClass,
  type PipelineMetricKey,
} from '../contract/metrics';
import type { ProviderConfig } from '../contract/catalogue';
import { sceneTypeKey, strongIn } from './ranking';

type Definition<K extends PipelineMetricKey> = (typeof pipelineMetrics)[K];
type KeyOfKind<Kind> = { [K in PipelineMetricKey]: Definition<K>['kind'] extends Kind ? K : never }[PipelineMetricKey];

/** The labels whose values come from the catalogue's bounded sets; every other label takes a catalogue key. */
interface BoundedLabels {
  outcome: AttemptOutcomeLabel;
  reason: AttemptReason;
  status_class: HttpStatusClass;
}
type LabelValue<L> = L extends keyof BoundedLabels ? BoundedLabels[L] : string;
/** Exactly the labels the catalogue gives the metric: a missing or extra label does not compile. */
export type MetricLabels<K extends PipelineMetricKey> = {
  readonly [L in Definition<K>['labels'][number]]: LabelValue<L>;
};

type Instrument = MetricCounter | MetricHistogram | MetricUpDownCounter;

/**
 * Records the catalogue's metrics (src/contract/metrics.ts) on a Temporal metric meter: the workflow's (`metricMeter`
 * of @temporalio/workflow, silent during replay) or the worker runtime's. Each instrument is made on first use, with
 * the catalogue's name, unit, value type and help.
 */
export class PipelineMetrics {
  private readonly instruments = new Map<PipelineMetricKey, Instrument>();

  constructor(private readonly meter: MetricMeter) {}

  /** Adds to a counter, or to an up-down counter (negative values too). */
  add<K extends KeyOfKind<'counter' | 'upDownCounter'>>(key: K, value: number, labels: MetricLabels<K>): void {
    (this.instrument(key) as MetricCounter | MetricUpDownCounter).add(value, labels);
  }

  record<K extends KeyOfKind<'histogram'>>(key: K, value: number, labels: MetricLabels<K>): void {
    (this.instrument(key) as MetricHistogram).record(value, labels);
  }

  private instrument(key: PipelineMetricKey): Instrument {
    let made = this.instruments.get(key);
    if (made === undefined) {
      made = create(this.meter, pipelineMetrics[key]);
      this.instruments.set(key, made);
    }
    return made;
  }
}

function create(meter: MetricMeter, def: Definition<PipelineMetricKey>): Instrument {
  const unit = 'unit' in def ? def.unit : undefined;
  switch (def.kind) {
    case 'counter':
      return meter.createCounter(def.name, unit, def.help);
    case 'histogram':
      return meter.createHistogram(def.name, 'float' in def && def.float ? 'float' : 'int', unit, def.help);
    case 'upDownCounter': {
      // Optional in the interface: the workflow's meter has none, and no workflow records one.
      if (meter.createUpDownCounter === undefined) throw new Error(`${def.name}: this meter has no up-down counters`);
      return meter.createUpDownCounter(def.name, unit, def.help);
    }
  }
}

/** Records nothing: where no worker runtime exports metrics (activity tests, tools). */
export const noPipelineMetrics = new PipelineMetrics(noopMetricMeter);

/**
 * The `scene_type` label of a scene: its type as the ranking matches it (lower case) when some provider of the
 * catalogue is strong in it, else `other`. A scene's type is the client's free text, and each value would be a series
 * of its own.
 */
export function sceneTypeLabel(sceneType: string, catalogue: readonly Pick<ProviderConfig, 'strengths'>[]): string {
  const type = sceneTypeKey(sceneType);
  return catalogue.some((p) => strongIn(p, type)) ? type : 'other';
}
