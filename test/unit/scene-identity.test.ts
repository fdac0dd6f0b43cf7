import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateSceneInput } from '../../src/client';
import { identityMismatchMessage, sameScene, sceneIdentity, sceneInputHash } from '../../src/domain/scene-identity';
import { sha256Hex } from '../../src/domain/sha256';
import { legacySceneWorkflowId, sceneWorkflowId } from '../../src/contract/workflow-ids';

const base = {
  projectId: 'acme',
  sceneId: 'summer-hook',
  sceneType: 'hook',
  prompt: 'Car on a coast road',
  durationSec: 5,
  aspectRatio: '16:9' as const,
};

describe('scene workflow ids', () => {
  it('give the pairs that shared an old-format id two different ids', () => {
    const pairs: [string, string, string, string][] = [
      ['acme', 'summer-hook', 'acme-summer', 'hook'],
      ['a-b', 'c-d-e', 'a', 'b-c-d-e'],
      ['x-1', '2', 'x', '1-2'],
    ];
    for (const [p1, s1, p2, s2] of pairs) {
      expect(legacySceneWorkflowId(s1, p1)).toBe(legacySceneWorkflowId(s2, p2));
      expect(sceneWorkflowId(s1, p1)).not.toBe(sceneWorkflowId(s2, p2));
    }
  });

  it('map every (project, scene) of an exhaustive small alphabet to a distinct id, no-project included', () => {
    const ids = ['a', 'b', 'a-b', 'b-a', 'a-', 'a_', 'a.b', '0', '_x'].filter((id) => /^[A-Za-z0-9]/.test(id));
    const seen = new Map<string, string>();
    for (const p of [undefined, ...ids])
      for (const s of ids) {
        const id = sceneWorkflowId(s, p);
        expect(seen.get(id), `${p}/${s} vs ${seen.get(id)}`).toBeUndefined();
        seen.set(id, `${p}/${s}`);
      }
    expect(sceneWorkflowId('hook')).toBe('scene-video:_:hook');
    expect(sceneWorkflowId('hook', 'acme')).toBe('scene-video:acme:hook');
  });
});

describe('pure-JS SHA-256', () => {
  it('matches node:crypto on block boundaries and non-ASCII text', () => {
    const inputs = [
      '',
      'abc',
      'a'.repeat(55),
      'a'.repeat(56),
      'a'.repeat(64),
      'x'.repeat(1000),
      'é 日本 😀 \u200b',
      '\ud800',
    ];
    for (const s of inputs) expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
  });
});

describe('scene identity', () => {
  const id = (s: Parameters<typeof validateSceneInput>[0]) => sceneIdentity(validateSceneInput(s));

  it('is the same for the same content, whatever the key order, explicit defaults, providers, polling or budget', () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as typeof base;
    const variants = [
      reordered,
      { ...base, negativePrompt: 'blurry, low quality, distorted, ugly, watermark, text' },
      { ...base, maxCostUsd: 1, preferredProvider: 'kling' as const, polling: { intervalMs: 1_000 } },
    ];
    for (const v of variants) expect(sameScene(id(v), id(base))).toBe(true);
  });

  it('differs when anything the clip shows changes, or the project or scene', () => {
    const changes = [
      { prompt: 'Car on a coast road at night' },
      { prompt: 'Car on a coast road ' },
      { negativePrompt: 'blurry' },
      { durationSec: 10 },
      { aspectRatio: '9:16' as const },
      { sceneType: 'testimonial' },
      { imageUrl: 'https://example.com/car.png' },
      { projectId: 'acme-summer' },
      { sceneId: 'hook' },
    ];
    for (const c of changes) expect(sameScene(id({ ...base, ...c }), id(base)), JSON.stringify(c)).toBe(false);
    const { projectId: _p, ...solo } = base;
    expect(sameScene(id(solo), id(base))).toBe(false);
    expect(sceneInputHash(validateSceneInput(base))).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('explains a refusal: both scenes, and what to do', () => {
    const mine = id({ ...base, projectId: 'acme-summer', sceneId: 'hook' });
    const theirs = id(base);
    expect(identityMismatchMessage('w1', mine, theirs)).toMatch(
      /^refusing to attach to workflow w1: it runs scene "summer-hook" of project "acme" \(input sha256:.{8}…\), not the requested scene "hook" of project "acme-summer" .* Start this scene without a workflowId/,
    );
    expect(identityMismatchMessage('w1', id({ ...base, durationSec: 10 }), theirs)).toMatch(
      /content .* changed .* new sceneId \(e\.g\. "summer-hook-v2"\), .*\(scene-video cancel w1\)/,
    );
    expect(identityMismatchMessage('w1', mine, undefined)).toMatch(
      /it runs something that is not an identifiable scene/,
    );
  });
});
