import type { AttemptReason } from '../contract/metrics';
import type { ModerationPolicy } from '../contract/scene-input';

const refused = {
  input: { what: 'the prompt', advice: 'so the next provider tries it' },
  output: { what: 'the generated clip', advice: 'so the next provider renders it' },
} as const;

/** The moderation an attempt's reason class names, if a moderation ended it. */
function moderationOf(reason: AttemptReason): keyof ModerationPolicy | undefined {
  if (reason === 'content_policy_input') return 'input';
  if (reason === 'content_policy_output') return 'output';
  return undefined;
}

/**
 * Why the scene ends after an attempt a content moderation refused, when its policy says `fail-scene` for that
 * moderation; undefined when the scene moves on to its next provider, as without a policy (every run prepared before
 * the field existed, whose replay therefore never reaches the stop).
 */
export function moderationStop(
  scene: { sceneId: string; moderation?: ModerationPolicy },
  attempt: { provider: string; reason: AttemptReason; error: string },
): string | undefined {
  const moderation = moderationOf(attempt.reason);
  if (moderation === undefined || scene.moderation?.[moderation] !== 'fail-scene') return undefined;
  const { what, advice } = refused[moderation];
  return (
    `scene ${scene.sceneId}: ${attempt.provider}'s ${moderation} moderation refused ${what} (${attempt.error}), and ` +
    `moderation.${moderation} is "fail-scene", so no other provider was tried. Rephrase the prompt, or set ` +
    `moderation.${moderation} to "next-provider" ${advice}.`
  );
}
