import type { Client, WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { defaultCatalogue } from '../../src/config/catalogue';
import type { generateSceneVideo } from '../../src/workflows';
import { planProviders } from '../../src/domain/planning';
import { sceneInputSchema, type SceneInput } from '../../src/contract/scene-input';
import { sceneStartAttributes } from '../../src/contract/search-attributes';
import { mapLimit } from './concurrency';

export type SceneHandle = WorkflowHandle<typeof generateSceneVideo>;

/** A valid scene with a unique id; the prompt carries the id so sandbox task records can be matched to scenes. */
export function benchScene(overrides: Partial<SceneInput> = {}): SceneInput {
  const sceneId = `s-${randomUUID().slice(0, 12)}`;
  return {
    sceneId,
    projectId: 'bench',
    sceneType: 'broll',
    prompt: `Calm office scene in the afternoon (${sceneId})`,
    durationSec: 5,
    aspectRatio: '16:9',
    ...overrides,
  };
}

/** The sandbox's scenario key for a catalogue provider, e.g. `piapi:kling`. */
export function sandboxKey(provider: string): string {
  const p = defaultCatalogue.find((c) => c.key === provider);
  if (!p) throw new Error(`no provider ${provider} in the catalogue`);
  return `${p.route}:${p.model}`;
}

/** The order the workflow will try providers in, for a worker configured with both APIs (every catalogue entry). */
export function providerOrder(input: SceneInput): string[] {
  const configured = defaultCatalogue.map((p) => p.key);
  return planProviders(sceneInputSchema.parse(input), defaultCatalogue, configured).order.map((p) => p.key);
}

export function sceneWorkflowId(input: SceneInput): string {
  return `bench-${input.sceneId}`;
}

export async function startScenes(
  client: Client,
  taskQueue: string,
  inputs: readonly SceneInput[],
  concurrency = 32,
  onStarted?: () => void,
): Promise<SceneHandle[]> {
  return mapLimit(inputs, concurrency, async (input) => {
    const handle = await client.workflow.start<typeof generateSceneVideo>('generateSceneVideo', {
      taskQueue,
      workflowId: sceneWorkflowId(input),
      args: [input],
      // As the client starts them (src/client/scene-video.ts), so the workflow has no attributes of its own to add.
      typedSearchAttributes: sceneStartAttributes(input),
    });
    onStarted?.();
    return handle;
  });
}
