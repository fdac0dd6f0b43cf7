/** An input the client must refuse before starting anything, and the workflow must refuse at once if sent directly. */
export interface BadInputCase {
  name: string;
  kind: 'scene' | 'project';
  input: unknown;
  /**
   * The client's InvalidInputError message, or `worker-only` when the client cannot know: whether a provider is
   * configured is a fact about the worker's keys, so only a provider unknown to the catalogue is caught at the client.
   */
  client: RegExp | 'worker-only';
  /** The direct workflow run's non-retryable failure. */
  workflow: {
    type: 'InvalidSceneInput' | 'InvalidProjectInput' | 'ProviderNotConfigured';
    message: RegExp;
  };
}

export function badInputCases(tag: string): BadInputCase[] {
  const base = {
    sceneId: `${tag}-bad`,
    projectId: `${tag}-proj`,
    sceneType: 'hook',
    prompt: 'Opening shot over the bay',
    durationSec: 5,
    aspectRatio: '16:9',
  };
  const { projectId: _p, ...projectScene } = base;
  const project = { projectId: `${tag}-bad-project`, scenes: [projectScene] };
  const scene = (
    name: string,
    patch: Record<string, unknown>,
    message: RegExp,
    client: RegExp | 'worker-only' = message,
  ): BadInputCase => ({
    name,
    kind: 'scene',
    input: { ...base, sceneId: `${tag}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`, ...patch },
    client,
    workflow: { type: 'InvalidSceneInput', message },
  });
  const notConfigured = (
    name: string,
    patch: Record<string, unknown>,
    message: RegExp,
    client: RegExp | 'worker-only',
  ): BadInputCase => ({
    ...scene(name, patch, message, client),
    workflow: { type: 'ProviderNotConfigured', message },
  });
  const proj = (name: string, patch: Record<string, unknown>, message: RegExp): BadInputCase => ({
    name,
    kind: 'project',
    input: { ...project, projectId: `${tag}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}`, ...patch },
    client: message,
    workflow: { type: 'InvalidProjectInput', message },
  });
  const notANumber = /durationSec: must be a number of seconds/;

  return [
    scene('empty prompt', { prompt: '' }, /prompt: must not be empty or whitespace only/),
    scene('whitespace-only prompt', { prompt: ' \t\n \u00a0 ' }, /prompt: must not be empty or whitespace only/),
    scene('invisible-only prompt', { prompt: '\u200b\u200b\u2060' }, /prompt: must not be empty or whitespace only/),
    scene('prompt over the limit', { prompt: 'a'.repeat(2001) }, /prompt: must be at most 2000 characters/),
    scene('huge prompt', { prompt: 'a'.repeat(200_000) }, /prompt: must be at most 2000 characters/),
    scene('BEL in the prompt', { prompt: 'Opening\u0007shot' }, /prompt: must not contain control characters/),
    scene('C1 control in the prompt', { prompt: 'Opening\u009bshot' }, /prompt: must not contain control characters/),
    scene(
      'NUL in the negative prompt',
      { negativePrompt: 'blurry\u0000' },
      /negativePrompt: must not contain control characters/,
    ),
    scene('duration 0', { durationSec: 0 }, /durationSec: must be greater than 0/),
    scene('duration -1', { durationSec: -1 }, /durationSec: must be greater than 0/),
    // JSON has no NaN or Infinity: sent to the workflow they arrive as null, which the same rule refuses.
    scene('duration NaN', { durationSec: NaN }, notANumber),
    scene('duration Infinity', { durationSec: Infinity }, notANumber),
    scene('duration 10 000', { durationSec: 10_000 }, /durationSec: must be at most 60 seconds/),
    scene('duration as a string', { durationSec: '5' }, notANumber),
    scene('unknown aspect ratio', { aspectRatio: '4:3' }, /aspectRatio: /),
    scene('missing aspect ratio', { aspectRatio: undefined }, /aspectRatio: /),
    notConfigured(
      'unknown preferred provider',
      { preferredProvider: 'sora' },
      /unknown provider.*sora/,
      /unknown provider "sora"/,
    ),
    notConfigured(
      'unconfigured preferred provider',
      { preferredProvider: 'runway' },
      /preferredProvider "runway" is not configured/,
      'worker-only',
    ),
    scene('malformed provider key', { preferredProvider: 'Kling!' }, /preferredProvider: a provider key is lower-case/),
    scene('empty allowed providers', { allowedProviders: [] }, /allowedProviders: must name at least one provider/),
    notConfigured(
      'unknown allowed provider',
      { allowedProviders: ['kling', 'nope'] },
      /unknown provider.*nope/,
      /unknown provider "nope"/,
    ),
    notConfigured(
      'only unconfigured providers allowed',
      { allowedProviders: ['runway'] },
      /none of allowedProviders \(runway\) is configured/,
      'worker-only',
    ),
    scene('negative budget', { maxCostUsd: -5 }, /maxCostUsd: must be greater than 0/),
    scene('zero budget', { maxCostUsd: 0 }, /maxCostUsd: must be greater than 0/),
    scene('slash in the scene id', { sceneId: `${tag}/../../etc` }, /sceneId: use 1–64 letters/),
    scene('backslash in the scene id', { sceneId: `..\\${tag}` }, /sceneId: use 1–64 letters/),
    scene('scene id over 64 characters', { sceneId: `${tag}-${'x'.repeat(64)}` }, /sceneId: use 1–64 letters/),
    scene('path in the project id', { projectId: '../etc' }, /projectId: use 1–64 letters/),
    scene('scene id as a number', { sceneId: 42 }, /sceneId: /),
    scene('prompt as an array', { prompt: ['Opening shot'] }, /prompt: /),
    scene('unknown field', { priority: 'high' }, /Unrecognized key.*priority/),
    scene('polling every 10 ms', { polling: { intervalMs: 10 } }, /polling\.intervalMs: /),
    scene('plain-http image', { imageUrl: 'http://example.com/a.png' }, /imageUrl: must be an https URL/),
    scene('scene type with a space', { sceneType: 'has space' }, /sceneType: use letters, digits/),
    {
      name: 'null instead of a scene',
      kind: 'scene',
      input: null,
      client: /\(input\): /,
      workflow: { type: 'InvalidSceneInput', message: /\(input\): / },
    },
    {
      name: 'a string instead of a scene',
      kind: 'scene',
      input: 'make me a video',
      client: /\(input\): /,
      workflow: { type: 'InvalidSceneInput', message: /\(input\): / },
    },

    proj('project without scenes', { scenes: [] }, /scenes: a project needs at least one scene/),
    proj(
      'duplicate scene ids',
      { scenes: [projectScene, { ...projectScene, prompt: 'Second take' }] },
      /scenes\[1\]\.sceneId: duplicate sceneId/,
    ),
    proj('negative project budget', { budgetUsd: -1 }, /budgetUsd: must be greater than 0/),
    proj('zero project budget', { budgetUsd: 0 }, /budgetUsd: must be greater than 0/),
    proj('budget as a string', { budgetUsd: 'ten' }, /budgetUsd: /),
    { ...proj('slash in the project id', {}, /projectId: use 1–64 letters/), input: { ...project, projectId: 'a/b' } },
    proj('no concurrency', { maxConcurrentScenes: 0 }, /maxConcurrentScenes: /),
    proj(
      'scene with NaN duration',
      { scenes: [{ ...projectScene, durationSec: NaN }] },
      /scenes\[0\]\.durationSec: must be a number of seconds/,
    ),
    proj('scene carrying its own project id', { scenes: [base] }, /scenes\[0\]: Unrecognized key.*projectId/),
    proj('scenes as a string', { scenes: 'all of them' }, /scenes: /),
    proj(
      '501 scenes',
      { scenes: Array.from({ length: 501 }, (_, i) => ({ ...projectScene, sceneId: `s${i}` })) },
      /scenes: at most 500 scenes/,
    ),
    {
      ...proj(
        'scene with an unknown provider',
        { scenes: [{ ...projectScene, preferredProvider: 'sora' }] },
        /unknown provider.*sora/,
      ),
      client: /scenes\[0\]: unknown provider "sora"/,
      // The whole project fails before any scene starts, naming the scene.
      workflow: { type: 'ProviderNotConfigured', message: /scenes\[0\] \(.*\): unknown provider.*sora/ },
    },
  ];
}
