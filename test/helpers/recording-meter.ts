import type { MetricMeter, MetricTags } from '@temporalio/common';

/** A meter that keeps what was made and recorded. */
export function recordingMeter() {
  const made: { kind: string; name: string; unit?: string; help?: string; valueType?: string }[] = [];
  const values: { name: string; value: number; tags?: MetricTags }[] = [];
  const instrument = (kind: string, name: string, unit?: string, help?: string, valueType?: string) => {
    made.push({ kind, name, unit, help, valueType });
    const keep = (value: number, tags?: MetricTags) => values.push({ name, value, tags });
    return { add: keep, record: keep };
  };
  const meter = {
    createCounter: (name: string, unit?: string, help?: string) => instrument('counter', name, unit, help),
    createHistogram: (name: string, valueType?: string, unit?: string, help?: string) =>
      instrument('histogram', name, unit, help, valueType),
    createUpDownCounter: (name: string, unit?: string, help?: string) => instrument('upDownCounter', name, unit, help),
  } as unknown as MetricMeter;
  return { meter, made, values };
}
