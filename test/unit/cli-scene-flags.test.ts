import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../src/cli/args';
import { generateCommand } from '../../src/cli/commands/generate';
import { fieldPath } from '../../src/cli/commands/project';
import { rankCommand } from '../../src/cli/commands/rank';
import { UsageError } from '../../src/cli/errors';
import { flagIssues, moderationFields, planningFields, validateSceneFlags } from '../../src/cli/scene-flags';
import { defaultCatalogue } from '../../src/config/catalogue';

const sceneFlags = ['--scene-id', 's1', '--scene-type', 'hook', '--prompt', 'Sunrise'];
const generate = (...argv: string[]) => parseCommandArgs(generateCommand, argv);
const rank = (...argv: string[]) => parseCommandArgs(rankCommand, argv);

/** The error `fn` throws; fails the test when it throws none. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('scene flags', () => {
  it('planningFields reads the flags that decide the plan; generate requires --duration and --aspect', () => {
    const args = generate(...sceneFlags, '--duration', '7.5', '--aspect', '9:16', '--allowed', 'kling, luma,');
    expect(planningFields(args)).toEqual({
      sceneType: 'hook',
      prompt: 'Sunrise',
      durationSec: 7.5,
      aspectRatio: '9:16',
      preferredProvider: undefined,
      allowedProviders: ['kling', 'luma'],
    });
    expect(thrown(() => planningFields(generate(...sceneFlags, '--aspect', '1:1'))).message).toBe(
      '--duration is required',
    );
    expect(thrown(() => planningFields(generate(...sceneFlags, '--duration', 'five'))).message).toBe(
      '--duration must be a number of seconds, got "five"',
    );
  });

  it('rank falls back to its defaults for --duration and --aspect', () => {
    const defaults = { durationSec: 5, aspectRatio: '16:9' } as const;
    expect(planningFields(rank('--scene-type', 'hook', '--prompt', 'x'), defaults)).toMatchObject(defaults);
    expect(planningFields(rank('--scene-type', 'hook', '--prompt', 'x', '--aspect', '1:1'), defaults)).toMatchObject({
      durationSec: 5,
      aspectRatio: '1:1',
    });
  });

  it('flagIssues names the flag a person typed, with the nested field after it', () => {
    expect(
      flagIssues([
        { path: ['durationSec'], message: 'must be greater than 0' },
        { path: ['polling', 'intervalMs'], message: 'Too small' },
        { path: ['allowedProviders', 1], message: 'unknown provider "sora"' },
        { path: ['moderation', 'output'], message: 'Invalid option' },
        { path: [], message: 'Unrecognized key' },
      ]),
    ).toBe(
      '--duration: must be greater than 0; --poll-interval-ms (intervalMs): Too small; --allowed (item 2): unknown provider "sora"; --output-moderation: Invalid option; (input): Unrecognized key',
    );
  });

  it('validateSceneFlags validates once and names the flag in a usage error (exit 2)', () => {
    const args = generate(...sceneFlags, '--duration', '0', '--aspect', '16:9');
    const scene = { sceneId: 's1', ...planningFields(args) };
    const err = thrown(() => validateSceneFlags(args, scene, defaultCatalogue));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe('invalid scene: --duration: must be greater than 0');
    expect((err as UsageError).hint).toBe('See `scene-video generate --help`.');

    const unknown = thrown(() =>
      validateSceneFlags(args, { ...scene, durationSec: 5, preferredProvider: 'sora' }, defaultCatalogue),
    );
    expect(unknown.message).toMatch(/^invalid scene: --preferred: unknown provider "sora" \(known: runway, kling/);
    expect(validateSceneFlags(args, { ...scene, durationSec: 5 }, defaultCatalogue)).toMatchObject({
      sceneId: 's1',
      durationSec: 5,
      negativePrompt: expect.any(String),
      polling: { intervalMs: 5_000 },
    });
  });

  it("the moderation flags set the scene's policy, validated with the other flags", () => {
    const flags = [...sceneFlags, '--duration', '5', '--aspect', '16:9'];
    expect(moderationFields(generate(...flags))).toEqual({});
    const failInput = generate(...flags, '--input-moderation', 'fail-scene');
    const scene = { sceneId: 's1', ...planningFields(failInput), ...moderationFields(failInput) };
    expect(validateSceneFlags(failInput, scene, defaultCatalogue).moderation).toEqual({
      input: 'fail-scene',
      output: 'next-provider',
    });
    const typo = generate(...flags, '--output-moderation', 'fail');
    const err = thrown(() =>
      validateSceneFlags(typo, { sceneId: 's1', ...planningFields(typo), ...moderationFields(typo) }, defaultCatalogue),
    );
    expect(err.message).toMatch(/^invalid scene: --output-moderation: .*"next-provider"\|"fail-scene"/);
  });

  it('fieldPath spells a field as a project file does', () => {
    expect(fieldPath(['scenes', 2, 'durationSec'])).toBe('scenes[2].durationSec');
    expect(fieldPath(['scenes', 0, 'allowedProviders', 1])).toBe('scenes[0].allowedProviders[1]');
    expect(fieldPath(['budgetUsd'])).toBe('budgetUsd');
    expect(fieldPath([])).toBe('(input)');
  });
});
