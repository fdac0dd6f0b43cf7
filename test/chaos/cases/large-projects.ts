import { encodedJsonBytes, payloadLimits } from '../../../src/contract/payload-limits';
import type { ProjectInput } from '../../../src/contract/project-input';

/** Temporal's default `limit.blobSize.error`: the most one payload (a start's input, a marker) may carry. */
export const serverBlobLimitBytes = 2 * 1024 * 1024;

function project(
  projectId: string,
  scenes: number,
  prompt: string,
  negativePrompt: string | undefined,
  withPolling: boolean,
): ProjectInput {
  return {
    projectId,
    maxConcurrentScenes: 50,
    polling: { intervalMs: 100, providerDeadlineMs: 60_000 },
    scenes: Array.from({ length: scenes }, (_, i) => ({
      sceneId: `s${String(i).padStart(4, '0')}`,
      sceneType: 'broll',
      prompt,
      ...(negativePrompt === undefined ? {} : { negativePrompt }),
      durationSec: 5,
      aspectRatio: '16:9' as const,
      ...(withPolling ? { polling: { intervalMs: 100, providerDeadlineMs: 60_000 } } : {}),
    })),
  };
}

/** The largest project the schema accepts: 500 scenes, prompts of 2,000 and 1,000 three-byte characters (4.5 MB). */
export function largestSchemaProject(projectId: string): ProjectInput {
  return project(projectId, 500, '語'.repeat(2000), '語'.repeat(1000), true);
}

/** The longest prompts of `char` (at most the schema's 2,000) that keep `scenes` scenes within `maxBytes` encoded. */
function fill(maxBytes: number, build: (promptChars: number) => ProjectInput): ProjectInput {
  let lo = 1;
  let hi = 2000;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (encodedJsonBytes(build(mid)) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  return build(lo);
}

/** A project just within the worker's limit: `scenes` scenes with prompts as long as the limit allows. */
export function projectAtLimit(projectId: string, scenes: number, char = 'a'): ProjectInput {
  return fill(payloadLimits.projectInputBytes, (len) =>
    project(projectId, scenes, char.repeat(len), char.repeat(Math.min(1000, len)), true),
  );
}

/**
 * A start the server accepts (under 2 MiB) whose validated form, with the defaults every scene gains
 * (`negativePrompt`, `polling`) and the catalogue, does not fit one payload: recorded whole in `prepareProject`'s
 * marker, it made the server terminate the run (BadRecordMarkerAttributes).
 */
export function markerOverflowProject(projectId: string): ProjectInput {
  return fill(serverBlobLimitBytes - 40_000, (len) => project(projectId, 500, 'é'.repeat(len), undefined, false));
}
