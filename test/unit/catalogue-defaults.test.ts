import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { catalogueSchema, type Catalogue } from '../../src/contract/catalogue';

interface HistoryEvent {
  markerRecordedEventAttributes?: {
    markerName: string;
    details: Record<string, { payloads: { data: string }[] }>;
  };
}

/**
 * The catalogue a committed history recorded: the result of its first local activity (prepareScene/prepareProject),
 * as every run on the default catalogue records it and replays it.
 */
function recordedCatalogue(history: string): Catalogue {
  const file = join(__dirname, '..', 'replay', 'histories', history);
  const { events } = JSON.parse(readFileSync(file, 'utf8')) as { events: HistoryEvent[] };
  const prepared = events.find((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
  const payload = prepared!.markerRecordedEventAttributes!.details.result!.payloads[0]!;
  return (JSON.parse(Buffer.from(payload.data, 'base64').toString()) as { setup: { catalogue: Catalogue } }).setup
    .catalogue;
}

// Recorded on the default catalogue as it was before prices, durations and duration gaps came from the models' facts.
const histories = ['scene-cancel-during-upload.json', 'project-budget-cap.json'];

/**
 * What the facts do not decide: names, models, routes, billing rules, strengths, boosts, priorities, prompt limits.
 * Request options are compared on their own.
 */
const business = (catalogue: Catalogue) =>
  catalogue.map(
    ({
      costPerSecondUsd: _estimate,
      maxCostPerSecondUsd: _worst,
      allowedDurationsSec: _durations,
      maxDurationSec: _longest,
      maxDurationGapSec: _gap,
      options: _options,
      ...rest
    }) => rest,
  );

describe('the default catalogue against the ones committed histories recorded', () => {
  it.each(histories)('%s recorded a catalogue the contract still reads as it is', (history) => {
    const recorded = recordedCatalogue(history);
    expect(catalogueSchema.parse(recorded)).toStrictEqual(recorded);
    expect(recorded.some((p) => p.maxDurationGapSec !== undefined)).toBe(false);
  });

  it.each(histories)('differs from what %s recorded only in the fields the facts decide', (history) => {
    expect(business(defaultCatalogue)).toStrictEqual(business(recordedCatalogue(history)));
  });

  it.each(histories)('sends the options %s recorded, except that Hailuo asks for v2.3 by name', (history) => {
    // A recorded entry without the option is sent the documented 01 request it reserved for, as it was then.
    const options = (catalogue: Catalogue) => Object.fromEntries(catalogue.map((p) => [p.key, p.options]));
    expect(options(recordedCatalogue(history)).hailuo).toBeUndefined();
    expect(options(defaultCatalogue)).toStrictEqual({
      ...options(recordedCatalogue(history)),
      hailuo: { model: 'v2.3' },
    });
  });
});
