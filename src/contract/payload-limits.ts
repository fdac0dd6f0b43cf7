/**
 * How many bytes a start may carry. Temporal refuses a payload over 2 MiB (the server's default `limit.blobSize.error`;
 * Temporal Cloud has the same) and its clients refuse a reply over 4 MiB, which is what a whole project history must
 * fit in to be fetched (`scene-video history export`, replay tests) in one page. A project's history holds its input
 * about twice (the start, and each scene again in its child's start), plus about 1.2 KB per scene; at 1 MiB of input
 * and 500 scenes that is about 2.9 MB (measured; README "Limits"). A scene is bounded by its schema to some 25 KB, so
 * its limit only ever catches what the schema leaves open (e.g. a huge `allowedProviders` list).
 *
 * Zod-free and Node-free: the client, the CLI and the worker's preparing activity all use it, with the same message.
 */
export const payloadLimits = {
  projectInputBytes: 1024 * 1024,
  sceneInputBytes: 64 * 1024,
} as const;

/** The size of `value` as the default payload converter sends it: JSON, UTF-8. */
export function encodedJsonBytes(value: unknown): number {
  const json = JSON.stringify(value) as string | undefined;
  return json === undefined ? 0 : new TextEncoder().encode(json).length;
}

const n = (x: number) => x.toLocaleString('en-US');

/** Undefined when the input fits; otherwise what is too large, the limit, and what to do. */
export function inputTooLarge(kind: 'project' | 'scene', input: unknown): string | undefined {
  const bytes = encodedJsonBytes(input);
  const limit = kind === 'project' ? payloadLimits.projectInputBytes : payloadLimits.sceneInputBytes;
  if (bytes <= limit) return undefined;
  const unit = limit >= 1024 * 1024 ? `${limit / (1024 * 1024)} MiB` : `${limit / 1024} KiB`;
  const head = `${kind} input is ${n(bytes)} bytes as JSON, over the limit of ${n(limit)} bytes (${unit}) per ${kind}`;
  if (kind === 'scene') return `${head}: shorten the prompts and lists`;
  const scenes = (input as { scenes?: unknown } | null)?.scenes;
  const count = Array.isArray(scenes) ? scenes.length : 0;
  // Scenes are about the same size in a generated project; leave 5 % for the uneven ones.
  const perProject = count > 1 ? Math.max(1, Math.floor(((count * limit) / bytes) * 0.95)) : 0;
  const split = perProject > 0 ? `split it into projects of at most ${n(perProject)} of its ${n(count)} scenes` : '';
  return `${head}: ${[split, 'shorten the prompts'].filter(Boolean).join(', or ')}`;
}

/**
 * A failed scene's error as the project's result lists it. The scene's own workflow keeps the whole message (every
 * attempt and its reason); in the project's result, 500 failed scenes with three long provider messages each made
 * 884 KB (measured), and the result must fit one 2 MiB payload.
 */
export const projectSceneErrorChars = 500;

/**
 * JSON writes a control character as `\u0001`, six bytes, and a lone surrogate likewise: a hostile provider's 500 of
 * them made 3 KB per scene, and 500 such scenes a project result of 2.03 MB (measured), near the 2 MiB a payload may
 * carry. In the project's copy they become a space and U+FFFD, at most three bytes each; the scene keeps the original.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const jsonEscaped = /[\u0000-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function clipSceneError(message: string, workflowId: string): string {
  const plain = message.replace(jsonEscaped, (c) => (c < '\ud800' ? ' ' : '\ufffd'));
  if (plain.length <= projectSceneErrorChars) return plain;
  return `${plain.slice(0, projectSceneErrorChars)}… (the whole message: scene-video status ${workflowId})`;
}
