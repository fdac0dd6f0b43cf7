import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProviderConfig } from '../../src/contract/catalogue';
import type { ProviderRoute } from '../../src/contract/provider-task';
import { defaultCatalogue } from '../../src/config/catalogue';
import { createPiapiClient } from '../../src/providers/piapi';
import { createRunwayClient } from '../../src/providers/runway';
import type { GenerationRequest, ProviderTaskSnapshot, VideoProviderClient } from '../../src/providers/types';
import { forRequest, type ModelCapabilities } from '../../src/providers/capabilities';
import { routeRegistry } from '../../src/providers/routes';
import { startSandbox, type Sandbox } from '../../dev/sandbox';
import { inspectMp4 } from '../../dev/sandbox';

let sandbox: Sandbox;
let clients: Record<ProviderRoute, VideoProviderClient>;
beforeAll(async () => {
  sandbox = await startSandbox({ scenario: { default: { queueMs: 50, renderMs: 300 } } });
  clients = {
    piapi: createPiapiClient({ baseUrl: sandbox.piapiBaseUrl, apiKey: sandbox.apiKeys.piapi }),
    runway: createRunwayClient({ baseUrl: sandbox.runwayBaseUrl, apiKey: sandbox.apiKeys.runway }),
  };
});
afterAll(async () => {
  await sandbox?.close();
});

async function pollToEnd(client: VideoProviderClient, taskId: string): Promise<ProviderTaskSnapshot> {
  for (let i = 0; i < 100; i++) {
    const snapshot = await client.getTask(taskId);
    if (snapshot.state !== 'queued' && snapshot.state !== 'running') return snapshot;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`task ${taskId} did not finish`);
}

const longest = (p: ProviderConfig) => Math.max(...p.allowedDurationsSec);

function request(
  p: ProviderConfig,
  aspectRatio: GenerationRequest['aspectRatio'],
  imageUrl?: string,
): GenerationRequest {
  return {
    prompt: 'A lighthouse at dusk',
    negativePrompt: 'blurry',
    durationSec: longest(p),
    aspectRatio,
    imageUrl,
    model: { route: p.route, model: p.model, taskType: p.taskType, options: p.options },
  };
}

const cases = defaultCatalogue.flatMap((p) => p.aspectRatios.map((aspect) => [p.key, aspect, p] as const));

describe('every catalogue model through its adapter against the sandbox, over HTTP', () => {
  it.each(cases)(
    '%s %s: create → poll to completion → a playable MP4 of that shape',
    async (_key, aspect, provider) => {
      const client = clients[provider.route];
      const created = await client.createTask(request(provider, aspect));
      const done = await pollToEnd(client, created.taskId);
      expect(done.state).toBe('succeeded');
      expect(done.videoUrl).toMatch(new RegExp(`^${sandbox.origin}/`));

      const res = await fetch(done.videoUrl!);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
      const mp4 = await inspectMp4(bytes);
      const video = mp4.tracks.find((t) => t.handler === 'vide')!;
      expect(video.sampleEntries).toContain('avc1');
      const [w, h] = aspect.split(':').map(Number) as [number, number];
      expect(video.width / video.height).toBeCloseTo(w / h, 1);
      expect(mp4.durationSec).toBeCloseTo(longest(provider), 0);
    },
  );

  it.each([
    ['kling', 'image_url on video_generation'],
    ['luma', 'ray-v2 with start_image'],
    ['hailuo', 'v2.3 with image_url'],
    ['hunyuan', 'img2video with the field "image"'],
    ['runway', 'gen4.5 on /v1/image_to_video'],
  ])('%s image-to-video (%s) completes too', async (key) => {
    const provider = defaultCatalogue.find((p) => p.key === key)!;
    const client = clients[provider.route];
    const created = await client.createTask(request(provider, '16:9', 'https://images.example.com/start.png'));
    expect((await pollToEnd(client, created.taskId)).state).toBe('succeeded');
  });
});

/** Each model, and each variant an option selects, with the options that select it. */
const requests = (models: Readonly<Record<string, ModelCapabilities>>) =>
  Object.entries(models).flatMap(([model, capabilities]) => [
    { model, capabilities, options: undefined },
    ...Object.entries(capabilities.variants?.models ?? {}).map(([value, variant]) => ({
      model,
      capabilities: variant,
      options: { [capabilities.variants!.option]: value },
    })),
  ]);

/**
 * Every documented duration × aspect ratio × input mode a model's facts claim, as the adapter would send it (opt-in
 * durations are undocumented: the emulator, which states only what the docs do, refuses them).
 */
const claims = Object.entries(routeRegistry).flatMap(([route, { models }]) =>
  requests(models).flatMap(({ model, capabilities, options }) =>
    [...(capabilities.needsImage ? [] : [undefined]), 'https://images.example.com/start.png'].flatMap((imageUrl) => {
      const allowed = forRequest(capabilities, imageUrl);
      return allowed.durationsSec.flatMap((durationSec) =>
        allowed.aspectRatios.map((aspectRatio) => ({
          route: route as ProviderRoute,
          model,
          options,
          imageUrl,
          durationSec,
          aspectRatio,
        })),
      );
    }),
  ),
);

describe("the adapters' capabilities, checked against the emulators' own statement of each model's rules", () => {
  it.each(Object.keys(routeRegistry))(
    '%s: the emulator accepts every request the capabilities allow',
    async (route) => {
      const rejected: string[] = [];
      for (const claim of claims.filter((c) => c.route === route)) {
        const taskType = claim.model === 'veo3.1' && route === 'piapi' ? 'veo3.1-video-fast' : undefined;
        await clients[claim.route]
          .createTask({
            prompt: 'A lighthouse at dusk',
            durationSec: claim.durationSec,
            aspectRatio: claim.aspectRatio,
            imageUrl: claim.imageUrl,
            model: { route: claim.route, model: claim.model, taskType, options: claim.options },
          })
          .catch((err: unknown) => rejected.push(`${JSON.stringify(claim)}: ${(err as Error).message}`));
      }
      expect(rejected).toEqual([]);
    },
  );

  it("refuses Veo 3.1's opt-in durations, which no PiAPI doc shows: a catalogue that lists them takes that risk", async () => {
    const veo = (durationSec: number) =>
      clients.piapi.createTask({
        prompt: 'A lighthouse at dusk',
        durationSec,
        aspectRatio: '16:9',
        model: { route: 'piapi', model: 'veo3.1', taskType: 'veo3.1-video-fast' },
      });
    for (const durationSec of routeRegistry.piapi.models['veo3.1'].optInDurationsSec!)
      await expect(veo(durationSec)).rejects.toMatchObject({ kind: 'validation', httpStatus: 400 });
  });
});
