import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateSceneInput } from '../../src/client';
import {
  describeScene,
  identityMismatchMessage,
  sameScene,
  sceneIdentity,
  sceneInputHash,
} from '../../src/domain/scene-identity';
import { sha256Hex } from '../../src/domain/sha256';

const base = {
  projectId: 'acme',
  sceneId: 'summer-hook',
  sceneType: 'hook',
  prompt: 'Car on a coast road',
  durationSec: 5,
  aspectRatio: '16:9' as const,
};

/** A seeded generator (mulberry32), so a failing input can be reproduced. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Code points from every UTF-8 length (1 to 4 bytes), and lone surrogate halves. */
const ranges: [number, number][] = [
  [0x00, 0x7f],
  [0x80, 0x7ff],
  [0x800, 0xd7ff],
  [0xd800, 0xdfff],
  [0xe000, 0xffff],
  [0x10000, 0x10ffff],
];

function randomText(next: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    const [low, high] = ranges[Math.floor(next() * ranges.length)]!;
    text += String.fromCodePoint(low + Math.floor(next() * (high - low + 1)));
  }
  return text;
}

const nodeSha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('pure-JS SHA-256', () => {
  it('matches node:crypto on every length across the first two block boundaries, and on non-ASCII text', () => {
    const inputs = [
      'é 日本 😀 \u200b',
      '\ud800',
      '\udc00x\ud83d',
      ...Array.from({ length: 140 }, (_, n) => 'a'.repeat(n)),
    ];
    for (const s of inputs) expect(sha256Hex(s), JSON.stringify(s)).toBe(nodeSha256(s));
  });

  it('matches node:crypto on 500 random strings of mixed scripts, emoji and lone surrogates', () => {
    const next = random(13);
    for (let i = 0; i < 500; i++) {
      const s = randomText(next, Math.floor(next() * 300));
      expect(sha256Hex(s), JSON.stringify(s)).toBe(nodeSha256(s));
    }
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

  it('hashes the fixed-order content array, so the identity recorded by runs in flight stays comparable', () => {
    const scene = validateSceneInput({ ...base, imageUrl: 'https://example.com/car.png' });
    const content = ['scene-v1', 'hook', 'Car on a coast road', scene.negativePrompt, 5, '16:9', scene.imageUrl];
    expect(sceneInputHash(scene)).toBe(`sha256:${nodeSha256(JSON.stringify(content))}`);
    const noImage = validateSceneInput(base);
    expect(sceneInputHash(noImage)).toBe(`sha256:${nodeSha256(JSON.stringify([...content.slice(0, -1), null]))}`);
  });

  it('describes a scene without a project as such', () => {
    const { projectId: _p, ...solo } = base;
    expect(describeScene(id(solo))).toMatch(/^scene "summer-hook" without a project \(input sha256:[0-9a-f]{8}…\)$/);
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
