import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import type { Catalogue } from '../../src/contract/catalogue';

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

// Recorded on the default catalogue as it was written before capabilities moved to src/providers/<route>/models.ts.
const histories = ['scene-cancel-during-upload.json', 'project-budget-cap.json'];

describe('the default catalogue, capabilities merged in', () => {
  it.each(histories)('equals the catalogue %s recorded, field for field', (history) => {
    expect(defaultCatalogue).toStrictEqual(recordedCatalogue(history));
  });

  it.each(histories)('serializes byte for byte as %s recorded it, down to the order of the fields', (history) => {
    expect(JSON.stringify(defaultCatalogue)).toBe(JSON.stringify(recordedCatalogue(history)));
  });
});
