import type { SceneInput } from '../../../src/contract/scene-input';
import { promptTag } from './outcomes';

/** A spread of scene types and shapes, so every provider gets ranked first by some scene. */
const shapes: Pick<SceneInput, 'sceneType' | 'prompt' | 'aspectRatio'>[] = [
  { sceneType: 'hook', prompt: 'Opening shot over a city skyline at dawn', aspectRatio: '16:9' },
  { sceneType: 'testimonial', prompt: 'A customer smiling while talking to the camera', aspectRatio: '9:16' },
  { sceneType: 'product', prompt: 'Product reveal of a glass bottle on marble', aspectRatio: '1:1' },
  { sceneType: 'broll', prompt: 'Forest canopy moving in the wind', aspectRatio: '16:9' },
  { sceneType: 'cta', prompt: 'Dramatic closing shot with the logo', aspectRatio: '9:16' },
  { sceneType: 'explanation', prompt: 'Abstract background of slow shapes', aspectRatio: '16:9' },
];

/** Scene `i` of a run: ids and prompt carry the tag that attributes sandbox tasks and S3 keys to it. */
export function chaosScene(
  runTag: string,
  i: number,
  overrides: Partial<SceneInput> = {},
): SceneInput & { tag: string } {
  const shape = shapes[i % shapes.length]!;
  const sceneId = `${runTag}-s${i}`;
  return {
    sceneId,
    projectId: `${runTag}-solo`,
    ...shape,
    prompt: `${shape.prompt} ${promptTag(sceneId)}`,
    durationSec: 5,
    polling: { intervalMs: 1_000, providerDeadlineMs: 10 * 60_000 },
    ...overrides,
    tag: sceneId,
  };
}

/** Strips the bookkeeping tag before the scene goes to the client or the workflow (the schema is strict). */
export function input(scene: SceneInput & { tag?: string }): SceneInput {
  const { tag: _tag, ...rest } = scene;
  return rest;
}

export function runTag(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}`;
}
