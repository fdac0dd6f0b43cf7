import { describe, expect, it } from 'vitest';
import { escapeHtml, renderContactSheet, spendByProvider, type ContactSheet } from '../../src/cli/contact-sheet';
import { storedObjectOf } from '../../src/client/object-urls';
import type { AttemptProgress, SceneVideoResult } from '../../src/contract/scene-workflow';

const attempt = (over: Partial<AttemptProgress>): AttemptProgress => ({
  provider: 'runway',
  state: 'succeeded',
  startedAt: '2026-12-06T10:00:00.000Z',
  endedAt: '2026-12-06T10:00:06.500Z',
  costUsd: 0.5,
  estimateUsd: 0.5,
  ...over,
});

const failedRunway = attempt({
  state: 'failed',
  reason: 'task_failed',
  error: 'ProviderTaskFailed: runway task t1 failed: An unexpected error occurred.',
  costUsd: 0,
  endedAt: '2026-12-06T10:00:02.000Z',
});
const kling = attempt({ provider: 'kling', reason: 'succeeded', costUsd: 0.26, estimateUsd: 0.28, throttledMs: 1_500 });

const hookResult: SceneVideoResult = {
  sceneId: '01-hook',
  projectId: 'launch',
  provider: 'kling',
  s3Key: 'ai-videos/launch/01-hook/kling-t2.mp4',
  s3Url: 's3://scene-videos/ai-videos/launch/01-hook/kling-t2.mp4',
  providerVideoUrl: 'http://sandbox/v.mp4',
  stored: true,
  bytes: 48_000,
  durationSec: 5,
  totalCostUsd: 0.26,
  costByProvider: { kling: 0.26 },
  attempts: [failedRunway, kling],
  generationTimeMs: 12_300,
};

function sheet(over: Partial<ContactSheet> = {}): ContactSheet {
  return {
    projectId: 'launch',
    workflowId: 'project-video-launch',
    status: 'COMPLETED',
    generatedAt: '2026-12-06T10:05:00.000Z',
    urlsExpireAt: '2026-12-06T11:05:00.000Z',
    totalCostUsd: 0.26,
    providers: {
      runway: { displayName: 'Runway', model: 'gen4.5' },
      kling: { displayName: 'Kling', model: 'kling-v2' },
    },
    notes: [],
    scenes: [
      {
        status: {
          sceneId: '01-hook',
          sceneType: 'hook',
          workflowId: 'scene-video:launch:01-hook',
          phase: 'succeeded',
          provider: 'kling',
          s3Key: hookResult.s3Key,
          costUsd: 0.26,
        },
        asked: { prompt: 'Neon city <script>window.pwned = 1</script> & "dawn"', aspectRatio: '16:9', durationSec: 5 },
        attempts: hookResult.attempts,
        result: hookResult,
        clipUrl: 'http://127.0.0.1:7070/scene-videos/a.mp4?X-Amz-Signature=abc&X-Amz-Expires=3600',
      },
      {
        status: {
          sceneId: '02-cta',
          sceneType: 'cta',
          workflowId: 'scene-video:launch:02-cta',
          phase: 'skipped',
          costUsd: 0,
          error: 'skipped: the project budget is spent',
        },
        asked: { prompt: 'The download button', aspectRatio: '9:16', durationSec: 5 },
        attempts: [],
      },
    ],
    ...over,
  };
}

describe('contact sheet', () => {
  const html = renderContactSheet(sheet());

  it('has one card per scene, in project order, the stored clip playing inline from its URL', () => {
    const ids = [...html.matchAll(/<article class="card [a-z]+" data-scene-id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['01-hook', '02-cta']);
    const videos = [...html.matchAll(/<video [^>]*>/g)].map((m) => m[0]);
    expect(videos).toHaveLength(1);
    expect(videos[0]).toContain(
      'src="http://127.0.0.1:7070/scene-videos/a.mp4?X-Amz-Signature=abc&amp;X-Amz-Expires=3600#t=0.1"',
    );
    for (const attr of ['muted', 'loop', 'playsinline', 'autoplay', 'controls', 'preload="auto"'])
      expect(videos[0]).toContain(attr);
  });

  it('escapes user text: a <script> in a prompt is shown, not run, and the page has no script of its own', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Neon city &lt;script&gt;window.pwned = 1&lt;/script&gt; &amp; &quot;dawn&quot;');
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('shows provider and model, each attempt with its reason in words, its duration and money, with units', () => {
    expect(html).toContain('<dt>Provider</dt><dd>Kling · kling-v2</dd>');
    expect(html).toContain('<b>Runway · gen4.5</b> failed: the provider failed the task');
    expect(html).toContain('took 2.0 s · estimated 0.5000 USD, billed 0.0000 USD');
    expect(html).toContain('ProviderTaskFailed: runway task t1 failed: An unexpected error occurred.');
    expect(html).toContain('<b>Kling · kling-v2</b> succeeded: stored');
    expect(html).toContain('took 6.5 s, queued 1.5 s · estimated 0.2800 USD, billed 0.2600 USD');
    expect(html).toContain('<dt>Generation time</dt><dd>12.3 s</dd>');
    expect(html).toContain('<dt>Delivered</dt><dd>5 s, 46.9 KiB</dd>');
    expect(html).toContain('<dt>Cost</dt><dd>estimated 0.7800 USD, billed <b>0.2600 USD</b></dd>');
  });

  it('gives a skipped scene its card with the reason and no clip', () => {
    const cta = html.slice(html.indexOf('data-scene-id="02-cta"'));
    expect(cta.slice(0, cta.indexOf('</article>'))).toMatch(
      /<div class="noclip">skipped<\/div>[\s\S]*<p class="reason">skipped: the project budget is spent<\/p>/,
    );
  });

  it('totals the project and its spend by the provider each attempt billed', () => {
    expect(html).toContain('2 scenes: 1 succeeded, 1 skipped. Billed <b data-total-usd="0.26">0.2600 USD</b>');
    expect(html).toMatch(/<tr><td>Kling · kling-v2<\/td><td>1<\/td><td>0.2800<\/td><td>0.2600<\/td><\/tr>/);
    expect(html).toMatch(/<tr><td>Runway · gen4.5<\/td><td>1<\/td><td>0.5000<\/td><td>0.0000<\/td><\/tr>/);
    expect(html).toContain('expire at 2026-12-06 11:05:00 UTC');
  });

  it('says so when the project is still running, and reads on a phone (viewport, fluid grid)', () => {
    const running = renderContactSheet(
      sheet({
        status: 'RUNNING',
        scenes: [{ ...sheet().scenes[0]!, status: { ...sheet().scenes[0]!.status, phase: 'running' } }],
      }),
    );
    expect(running).toContain('The project is still running: 0 of 1 scenes have ended.');
    // Its attempts show on its card, but its money counts once it ends, as the project's total does.
    expect(running).toContain('took 6.5 s, queued 1.5 s · estimated 0.2800 USD, billed 0.2600 USD');
    expect(running).toContain('Scenes still running or waiting (1) are not in these totals');
    expect(running).toMatch(/<tbody><\/tbody>/);
    expect(html).not.toContain('still running');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr))');
  });

  it('leaves skipped providers out of the spend and puts a scene without attempts on its provider', () => {
    const rows = spendByProvider([
      { status: { ...sheet().scenes[0]!.status }, attempts: [attempt({ provider: 'luma', state: 'skipped' }), kling] },
      {
        status: { ...sheet().scenes[0]!.status, phase: 'cancelled', provider: undefined, costUsd: 0.1 },
        attempts: [],
      },
    ]);
    expect(rows).toEqual([
      { provider: 'kling', attempts: 1, estimateUsd: 0.28, billedUsd: 0.26 },
      { provider: '(unrecorded)', attempts: 0, estimateUsd: 0, billedUsd: 0.1 },
    ]);
  });

  it("reads the bucket and key from a result's s3Url", () => {
    expect(storedObjectOf('s3://scene-videos/ai-videos/p/s/kling-1.mp4')).toEqual({
      bucket: 'scene-videos',
      key: 'ai-videos/p/s/kling-1.mp4',
    });
    expect(storedObjectOf('https://example.com/x.mp4')).toBeUndefined();
  });
});
