import type { ValidProjectInput, ValidProjectScene } from '../../src/contract/project-input';

/** A validated 5 s, 16:9 hook scene of a project. */
export const projectScene = (sceneId: string, extra: Partial<ValidProjectScene> = {}): ValidProjectScene => ({
  sceneId,
  sceneType: 'hook',
  prompt: 'A bold opening shot',
  negativePrompt: 'blurry',
  durationSec: 5,
  aspectRatio: '16:9',
  polling: { intervalMs: 5_000, providerDeadlineMs: 600_000, queueDeadlineMs: 1_800_000 },
  ...extra,
});

export const validProject = (
  scenes: ValidProjectScene[],
  extra: Partial<ValidProjectInput> = {},
): ValidProjectInput => ({
  projectId: 'p',
  maxConcurrentScenes: 2,
  scenes,
  ...extra,
});
