import { describe, expect, it } from 'vitest';
import { attemptReasons, type AttemptReason } from '../../src/contract/metrics';
import { sceneInputSchema, type ModerationPolicy } from '../../src/contract/scene-input';
import { childSceneInput } from '../../src/domain/child-scene-input';
import { moderationStop } from '../../src/domain/moderation';
import { projectScene, validProject } from './project-fixture';

const refusal = (reason: AttemptReason) => ({ provider: 'runway', reason, error: 'ContentPolicy: flagged' });
const stopFor = (moderation: ModerationPolicy | undefined, reason: AttemptReason) =>
  moderationStop({ sceneId: 'hook', moderation }, refusal(reason));

describe('moderation policy: what follows a refusal', () => {
  it('without a policy (and in runs prepared before it existed), every refusal moves on to the next provider', () => {
    for (const reason of attemptReasons) expect(stopFor(undefined, reason), reason).toBeUndefined();
    const defaults = sceneInputSchema.shape.moderation.parse({});
    expect(defaults).toEqual({ input: 'next-provider', output: 'next-provider' });
    expect(stopFor(defaults, 'content_policy_input')).toBeUndefined();
    expect(stopFor(defaults, 'content_policy_output')).toBeUndefined();
  });

  it('fail-scene stops only after the moderation it names, and for no other reason', () => {
    const inputOnly: ModerationPolicy = { input: 'fail-scene', output: 'next-provider' };
    const outputOnly: ModerationPolicy = { input: 'next-provider', output: 'fail-scene' };
    const both: ModerationPolicy = { input: 'fail-scene', output: 'fail-scene' };
    expect(stopFor(inputOnly, 'content_policy_input')).toBeDefined();
    expect(stopFor(inputOnly, 'content_policy_output')).toBeUndefined();
    expect(stopFor(outputOnly, 'content_policy_input')).toBeUndefined();
    expect(stopFor(outputOnly, 'content_policy_output')).toBeDefined();
    const others = attemptReasons.filter((r) => !r.startsWith('content_policy_'));
    for (const reason of others) expect(stopFor(both, reason), reason).toBeUndefined();
  });

  it('says which moderation refused, at which provider, and what to do next', () => {
    expect(stopFor({ input: 'fail-scene', output: 'next-provider' }, 'content_policy_input')).toBe(
      "scene hook: runway's input moderation refused the prompt (ContentPolicy: flagged), and moderation.input is " +
        '"fail-scene", so no other provider was tried. Rephrase the prompt, or set moderation.input to ' +
        '"next-provider" so the next provider tries it.',
    );
    expect(stopFor({ input: 'next-provider', output: 'fail-scene' }, 'content_policy_output')).toBe(
      "scene hook: runway's output moderation refused the generated clip (ContentPolicy: flagged), and " +
        'moderation.output is "fail-scene", so no other provider was tried. Rephrase the prompt, or set ' +
        'moderation.output to "next-provider" so the next provider renders it.',
    );
  });

  it('refuses an action it does not know, naming the field', () => {
    const parsed = sceneInputSchema.shape.moderation.safeParse({ input: 'stop' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['input']);
  });
});

describe("moderation policy: a project's scenes", () => {
  const failInput: ModerationPolicy = { input: 'fail-scene', output: 'next-provider' };
  const failOutput: ModerationPolicy = { input: 'next-provider', output: 'fail-scene' };

  it("each scene gets the project's policy unless it sets its own", () => {
    const project = validProject([projectScene('a'), projectScene('b', { moderation: failOutput })], {
      moderation: failInput,
    });
    expect(childSceneInput(project, project.scenes[0]!).moderation).toEqual(failInput);
    expect(childSceneInput(project, project.scenes[1]!).moderation).toEqual(failOutput);
  });

  it('without one anywhere, the child input has no policy, as before the field existed', () => {
    const project = validProject([projectScene('a')]);
    expect(childSceneInput(project, project.scenes[0]!)).not.toHaveProperty('moderation');
  });
});
