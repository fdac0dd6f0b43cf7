import { aspectRatios, type AspectRatio, type Catalogue } from '../contract/catalogue';
import { moderationActions, type SceneInput, type ValidSceneInput } from '../contract/scene-input';
import { InvalidInputError, validateSceneInput, type InputIssue } from '../client/input-validation';
import type { Args, OptionSpec } from './args';

/** The options `generate` and `rank` share: the scene fields that decide which providers are tried, and how. */
export const planningOptions = {
  duration: { type: 'string', value: '<seconds>', description: 'Clip length in seconds (> 0, ≤ 60)' },
  aspect: { type: 'string', value: aspectRatios.join('|'), description: 'Aspect ratio' },
  preferred: { type: 'string', value: '<provider>', description: 'Try this provider first' },
  allowed: { type: 'string', value: '<a,b,…>', description: 'Only ever use these providers' },
} satisfies Record<string, OptionSpec>;

/** `generate`'s flags for the scene's `moderation` policy: what follows each moderation's refusal. */
export const moderationOptions = {
  'input-moderation': {
    type: 'string',
    value: moderationActions.join('|'),
    description: "When a provider's moderation refuses the prompt: try the next provider (default) or fail the scene",
  },
  'output-moderation': {
    type: 'string',
    value: moderationActions.join('|'),
    description: "When a provider's moderation refuses the clip: try the next provider (default) or fail the scene",
  },
} satisfies Record<string, OptionSpec>;

/** The scene's `moderation` policy from its flags; absent when neither flag is given. */
export function moderationFields(args: Args): Pick<SceneInput, 'moderation'> {
  const input = args.string('input-moderation');
  const output = args.string('output-moderation');
  if (input === undefined && output === undefined) return {};
  // Validation names a value that is no action (its flag, via flagForField).
  return { moderation: { input, output } as SceneInput['moderation'] };
}

/**
 * The flag a person typed for each scene field, so a validation error points at the flag, not the JSON name; a nested
 * field that has a flag of its own is keyed by its path (`moderation.input`).
 */
const flagForField: Record<string, string> = {
  sceneId: '--scene-id',
  projectId: '--project',
  sceneType: '--scene-type',
  prompt: '--prompt',
  negativePrompt: '--negative-prompt',
  durationSec: '--duration',
  aspectRatio: '--aspect',
  imageUrl: '--image-url',
  preferredProvider: '--preferred',
  allowedProviders: '--allowed',
  maxCostUsd: '--max-cost',
  polling: '--poll-interval-ms',
  'moderation.input': '--input-moderation',
  'moderation.output': '--output-moderation',
};

export type PlanningFields = Pick<
  SceneInput,
  'sceneType' | 'prompt' | 'durationSec' | 'aspectRatio' | 'preferredProvider' | 'allowedProviders'
>;

/** The scene fields that decide the provider plan; without `defaults`, `--duration` and `--aspect` are required. */
export function planningFields(
  args: Args,
  defaults?: Pick<ValidSceneInput, 'durationSec' | 'aspectRatio'>,
): PlanningFields {
  const seconds = 'a number of seconds';
  return {
    sceneType: args.required('scene-type'),
    prompt: args.required('prompt'),
    durationSec: defaults
      ? (args.number('duration', seconds) ?? defaults.durationSec)
      : args.requiredNumber('duration', seconds),
    aspectRatio: (defaults ? (args.string('aspect') ?? defaults.aspectRatio) : args.required('aspect')) as AspectRatio,
    preferredProvider: args.string('preferred'),
    allowedProviders: args.list('allowed'),
  };
}

/**
 * Each issue as `--flag: rule`; a nested field adds its path, e.g. `--poll-interval-ms (intervalMs): …`, and an item of
 * a list flag its place as a person counts, e.g. `--allowed (item 2): …`.
 */
export function flagIssues(issues: readonly InputIssue[]): string {
  return issues
    .map((issue) => {
      const [field, ...rest] = issue.path.map((p) => (typeof p === 'number' ? `item ${p + 1}` : String(p)));
      const nested = rest.length > 0 ? flagForField[`${field}.${rest[0]}`] : undefined;
      if (nested !== undefined) rest.shift();
      const flag = nested ?? (field && flagForField[field]) ?? field ?? '(input)';
      return `${flag}${rest.length > 0 ? ` (${rest.join('.')})` : ''}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * The scene validated once, as the client library validates it, against the catalogue a worker knows; a refusal names
 * the flags. An input refused as a whole (its size) keeps the library's message.
 */
export function validateSceneFlags(args: Args, scene: SceneInput, catalogue: Catalogue): ValidSceneInput {
  try {
    return validateSceneInput(scene, catalogue);
  } catch (err) {
    if (!(err instanceof InvalidInputError) || err.issues.length === 0) throw err;
    throw args.usage(`invalid scene: ${flagIssues(err.issues)}`);
  }
}
