import { ServiceError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { InputTooLargeError, validateProjectInput, validateSceneInput } from '../../src/client';
import { serverAnswered } from '../../src/cli/session';
import {
  clipSceneError,
  encodedJsonBytes,
  inputTooLarge,
  payloadLimits,
  projectSceneErrorChars,
} from '../../src/contract/payload-limits';
import { withEchoedFields, withoutEchoedFields } from '../../src/domain/project-echo';
import { projectInputSchema } from '../../src/contract/project-input';
import { largestSchemaProject, markerOverflowProject, projectAtLimit } from '../chaos/cases/large-projects';

describe('payload limits (pure)', () => {
  it('counts bytes as the payload converter sends them: JSON, UTF-8', () => {
    expect(encodedJsonBytes({ p: 'a' })).toBe(9);
    expect(encodedJsonBytes({ p: '語' })).toBe(11);
    expect(encodedJsonBytes({ p: '\ud800' })).toBe(14); // a lone surrogate is escaped: \ud800
    expect(encodedJsonBytes(undefined)).toBe(0); // nothing is sent
  });

  it('the largest project the schema accepts is 4.5 MB and is refused, naming the limit and how to split it', () => {
    const project = largestSchemaProject('big');
    expect(projectInputSchema.safeParse(project).success).toBe(true);
    expect(encodedJsonBytes(project)).toBeGreaterThan(4_500_000);
    expect(() => validateProjectInput(project)).toThrow(InputTooLargeError);
    expect(inputTooLarge('project', project)).toMatch(
      /^project input is 4,5\d\d,\d{3} bytes as JSON, over the limit of 1,048,576 bytes \(1 MiB\) per project: split it into projects of at most 10\d of its 500 scenes, or shorten the prompts$/,
    );
  });

  it('a project at the limit passes, one byte more does not; the suggested split fits', () => {
    const fits = projectAtLimit('fit', 500);
    expect(encodedJsonBytes(fits)).toBeLessThanOrEqual(payloadLimits.projectInputBytes);
    expect(() => validateProjectInput(fits)).not.toThrow();
    const over = { ...fits, $schema: 'x'.repeat(payloadLimits.projectInputBytes - encodedJsonBytes(fits)) };
    expect(inputTooLarge('project', over)).toMatch(/over the limit/);
    const big = largestSchemaProject('big');
    const per = Number(/at most (\d+) of/.exec(inputTooLarge('project', big)!)![1]);
    expect(inputTooLarge('project', { ...big, scenes: big.scenes.slice(0, per) })).toBeUndefined();
  });

  it('a scene the schema leaves open (a huge allowedProviders list) is refused by size', () => {
    const scene = { sceneId: 's', sceneType: 'hook', prompt: 'p', durationSec: 5, aspectRatio: '16:9' as const };
    expect(() =>
      validateSceneInput({ ...scene, prompt: '語'.repeat(2000), negativePrompt: '語'.repeat(1000) }),
    ).not.toThrow();
    expect(() => validateSceneInput({ ...scene, allowedProviders: Array(20_000).fill('kling') })).toThrow(
      /scene input is 160,\d{3} bytes as JSON, over the limit of 65,536 bytes \(64 KiB\) per scene/,
    );
  });

  it('tells a scene over its limit to shorten its prompts and lists, and a one-scene project only to shorten', () => {
    const scene = { sceneId: 's', allowedProviders: Array(20_000).fill('kling') };
    expect(inputTooLarge('scene', { sceneId: 's' })).toBeUndefined();
    expect(inputTooLarge('scene', scene)).toMatch(/per scene: shorten the prompts and lists$/);
    expect(inputTooLarge('project', { projectId: 'p', scenes: [{ ...scene, prompt: 'x'.repeat(2_000_000) }] })).toMatch(
      /per project: shorten the prompts$/,
    );
  });

  it("prepareProject's marker leaves out the prompts the start holds; the workflow restores the validated project", () => {
    const raw = markerOverflowProject('m'); // no negativePrompt, no scene polling: defaults that must survive
    const valid = projectInputSchema.parse(raw);
    const slim = withoutEchoedFields(valid, raw);
    expect(encodedJsonBytes(slim)).toBeLessThan(encodedJsonBytes(raw) / 10);
    expect(slim.scenes[0]).not.toHaveProperty('prompt');
    expect(slim.scenes[0]!.negativePrompt).toBe(valid.scenes[0]!.negativePrompt);
    expect(withEchoedFields(slim, raw)).toEqual(valid);
    // A marker recorded whole, before this change, is used as it is.
    expect(withEchoedFields(valid, { ...raw, scenes: [] })).toEqual(valid);
  });

  it('the CLI blames reachability only when no server answered', () => {
    const grpc = (code: number) => Object.assign(new Error('x'), { code, details: 'x', metadata: {} });
    expect(serverAnswered(new ServiceError('Failed to start Workflow', { cause: grpc(3) }))).toBe(true); // INVALID_ARGUMENT
    expect(serverAnswered(new ServiceError('Failed to start Workflow', { cause: grpc(14) }))).toBe(false); // UNAVAILABLE
    expect(serverAnswered(new ServiceError('x'))).toBe(false);
  });
});

describe("a failed scene's error in the project result", () => {
  it('is clipped to 500 characters, naming where the whole message is', () => {
    expect(clipSceneError('short', 'scene-video-p-s1')).toBe('short');
    expect(clipSceneError('x'.repeat(projectSceneErrorChars), 'w')).toBe('x'.repeat(projectSceneErrorChars));
    const clipped = clipSceneError('x'.repeat(5_000), 'scene-video-p-s1');
    expect(clipped.startsWith('x'.repeat(projectSceneErrorChars))).toBe(true);
    expect(clipped).toMatch(/^x{500}… \(the whole message: scene-video status scene-video-p-s1\)$/);
  });

  it('never costs more than three bytes of JSON a character: control characters and lone surrogates are replaced', () => {
    const hostile = '\u0001\u001f\u0000'.repeat(200) + '\ud800'.repeat(100) + '\udc00x'.repeat(100);
    const clipped = clipSceneError(hostile, 'w');
    expect(clipped.slice(0, projectSceneErrorChars)).toBe(' '.repeat(500));
    const tail = clipSceneError('\ud800'.repeat(3) + 'a\udc00' + 'é😀\n\ttab', 'w');
    expect(tail).toBe('\ufffd\ufffd\ufffda\ufffdé😀  tab');
    expect(encodedJsonBytes(clipSceneError(hostile.repeat(3), 'w'))).toBeLessThan(projectSceneErrorChars * 3 + 100);
  });
});
