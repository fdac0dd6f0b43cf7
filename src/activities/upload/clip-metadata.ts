import type { UploadToS3Input } from '../../contract/activities';

/**
 * S3 sends user metadata as `x-amz-meta-*` headers: values must be ASCII (an HTTP header cannot carry a newline, and
 * S3 answers other bytes mangled or refuses them), and the keys and values together may take at most 2 KB. A string
 * gets at most 256 characters; with the fixed-size fields, 10 keys and their `x-amz-meta-` prefixes that stays below
 * 1.9 KB whatever the input (test/unit/clip-metadata.test.ts).
 */
export const metadataValueMaxChars = 256;
export const metadataMaxBytes = 2048;

/**
 * What produced a stored clip, as the object's user metadata: each key is the result's (or input's) field name
 * lowercased, as S3 returns metadata keys lowercased anyway. Strings are percent-encoded (UTF-8, as
 * `decodeURIComponent` reads them) outside printable ASCII, and for `%` and space (HTTP trims a header's outer spaces);
 * a string clipped to fit ends on a whole character. Absent, empty and non-finite values are left out. The prompt is
 * only hashed (`promptsha256`), never stored.
 */
export function clipMetadata(input: UploadToS3Input): Record<string, string> {
  const fields: Record<string, string | number | undefined> = {
    provider: input.provider,
    model: input.model,
    taskid: input.taskId,
    sceneid: input.sceneId,
    projectid: input.projectId,
    scenetype: input.sceneType,
    requesteddurationsec: input.requestedDurationSec,
    durationsec: input.durationSec,
    costusd: input.costUsd,
    promptsha256: input.promptSha256,
  };
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    const encoded = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : headerSafe(value ?? '');
    if (encoded !== '') metadata[key] = encoded;
  }
  return metadata;
}

function headerSafe(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    // Lone surrogates have no UTF-8 form: U+FFFD, as TextEncoder writes them.
    const safe = code >= 0xd800 && code <= 0xdfff ? '\uFFFD' : ch;
    const piece = code > 0x20 && code < 0x7f && ch !== '%' ? ch : encodeURIComponent(safe);
    if (out.length + piece.length > metadataValueMaxChars) break;
    out += piece;
  }
  return out;
}
