import { GetObjectCommand } from '@aws-sdk/client-s3';
import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProjectVideos, waitForProjectVideos } from '../../src/client';
import { jsonSchemas } from '../../src/cli/json-schemas';
import type { ProjectManifest } from '../../src/contract/project-manifest';
import { sandboxKey, startSceneHarness, type SceneHarness } from '../helpers/scene-harness';

let h: SceneHarness;
beforeAll(async () => {
  // Every Kling task fails: a scene allowed only Kling fails, one allowed Kling then Luma (testimonials rank Kling
  // first) falls back.
  h = await startSceneHarness({
    scenario: {
      default: { queueMs: 100, renderMs: 400 },
      models: { [sandboxKey('kling')]: { faults: [{ kind: 'task_failed', message: 'sandbox: Kling is down' }] } },
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const polling = { intervalMs: 200, providerDeadlineMs: 60_000 };

describe('the project manifest', () => {
  it('is written beside the clips when the project finishes, valid by its JSON Schema, in project order with the failed scene and its reason', async () => {
    const projectId = `manifest-${Math.random().toString(36).slice(2, 8)}`;
    const scenes = [
      { sceneId: 'opening', sceneType: 'hook', allowedProviders: ['luma'], aspectRatio: '16:9' as const },
      { sceneId: 'kling-only', sceneType: 'testimonial', allowedProviders: ['kling'], aspectRatio: '9:16' as const },
      {
        sceneId: 'fallback',
        sceneType: 'testimonial',
        allowedProviders: ['kling', 'luma'],
        aspectRatio: '1:1' as const,
      },
    ].map((s) => ({ ...s, prompt: `Scene ${s.sceneId} of the launch`, durationSec: 5 }));
    const { workflowId } = await startProjectVideos(
      h.client,
      { projectId, maxConcurrentScenes: 3, polling, scenes },
      { taskQueue: h.taskQueue },
    );
    const result = await waitForProjectVideos(h.client, workflowId);

    expect(result.manifest).toEqual({
      key: `ai-videos/${projectId}/_manifest.json`,
      url: expect.stringMatching(new RegExp(`/${h.bucket}/ai-videos/${projectId}/_manifest\\.json$`)),
    });
    expect(result.manifestError).toBeUndefined();
    const object = await h.s3.send(new GetObjectCommand({ Bucket: h.bucket, Key: result.manifest!.key }));
    expect(object.ContentType).toBe('application/json');
    const manifest = JSON.parse(await object.Body!.transformToString()) as ProjectManifest;

    const schema: unknown = JSON.parse(readFileSync(join(__dirname, '..', '..', jsonSchemas.manifest.path), 'utf8'));
    const validate = new Ajv2020({ allErrors: true }).compile(schema as object);
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);

    expect(manifest).toMatchObject({ schemaVersion: 1, projectId, workflowId, bucket: h.bucket });
    expect(manifest.scenes.map((s) => s.sceneId)).toEqual(['opening', 'kling-only', 'fallback']);
    expect(manifest.scenes.map((s) => s.phase)).toEqual(result.scenes.map((s) => s.phase));
    expect(manifest.scenes.map((s) => s.phase)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(manifest.scenes.map((s) => s.key)).toEqual(result.scenes.map((s) => s.s3Key));
    expect(manifest.scenes.map((s) => s.aspectRatio)).toEqual(['16:9', '9:16', '1:1']);
    for (const scene of manifest.scenes.filter((s) => s.phase === 'succeeded')) {
      expect(scene.key).toMatch(new RegExp(`^ai-videos/${projectId}/${scene.sceneId}/luma-.+\\.mp4$`));
      expect(scene.url).toMatch(new RegExp(`/${h.bucket}/${scene.key!.replace(/[.]/g, '\\.')}$`));
      expect(scene).toMatchObject({ provider: 'luma', model: expect.any(String), durationSec: 5 });
      // The clip is where the manifest says.
      expect((await h.readObject(scene.key!)).length).toBeGreaterThan(0);
    }

    const [, failed, fallback] = manifest.scenes;
    expect(failed!.reason).toContain('Kling is down');
    expect(failed!.attempts).toEqual([expect.objectContaining({ provider: 'kling', state: 'failed' })]);
    expect(fallback!.attempts.map((a) => [a.provider, a.state])).toEqual([
      ['kling', 'failed'],
      ['luma', expect.any(String)],
    ]);

    expect(manifest.totals).toEqual({
      scenes: 3,
      costUsd: result.totalCostUsd,
      costByProviderUsd: expect.any(Object),
      counts: result.counts,
    });
    const byProvider = Object.values(manifest.totals.costByProviderUsd).reduce((a, b) => a + b, 0);
    expect(byProvider).toBeCloseTo(result.totalCostUsd, 6);
    expect(result.totalCostUsd).toBeGreaterThan(0);
  }, 120_000);

  it('a manifest S3 refuses does not fail the project: its result stands and says why the manifest is missing', async () => {
    const projectId = `manifest-refused-${Math.random().toString(36).slice(2, 8)}`;
    // Denied access to the manifest's key alone: the clips are stored as usual.
    const denied = Object.assign(new Error('Access Denied'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    h.s3.middlewareStack.add(
      (next, context) => async (args) => {
        const key = (args.input as { Key?: string }).Key ?? '';
        if (context.commandName === 'PutObjectCommand' && key.endsWith('/_manifest.json')) throw denied;
        return next(args);
      },
      { step: 'initialize', name: 'denyManifest' },
    );
    try {
      const scene = {
        sceneId: 'only',
        sceneType: 'hook',
        prompt: 'One calm shot',
        durationSec: 5,
        allowedProviders: ['luma'],
      };
      const { workflowId } = await startProjectVideos(
        h.client,
        { projectId, maxConcurrentScenes: 1, polling, scenes: [{ ...scene, aspectRatio: '16:9' }] },
        { taskQueue: h.taskQueue },
      );
      const result = await waitForProjectVideos(h.client, workflowId);
      expect(result.counts.succeeded).toBe(1);
      expect(result.manifest).toBeUndefined();
      expect(result.manifestError).toMatch(
        new RegExp(
          `^the project manifest was not written \\(storing ai-videos/${projectId}/_manifest\\.json failed: Access Denied\\)`,
        ),
      );
    } finally {
      h.s3.middlewareStack.remove('denyManifest');
    }
  }, 120_000);
});
