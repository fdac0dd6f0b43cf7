import { describe, expect, it } from 'vitest';
import { attemptsTable, renderSceneResult } from '../../src/cli/progress-tables';
import type { AttemptProgress, SceneVideoResult } from '../../src/contract/scene-workflow';

const plain = { bold: String, dim: String, green: String, red: String, yellow: String };
const attempt = (fields: Partial<AttemptProgress>): AttemptProgress => ({
  provider: 'runway',
  state: 'queued',
  startedAt: '2026-12-05T10:00:00.000Z',
  costUsd: 0.6,
  taskId: 't1',
  ...fields,
});

describe('attemptsTable: why each attempt ended', () => {
  const ended = { state: 'failed', endedAt: '2026-12-05T10:00:09.000Z' } as const;

  it('says in words which moderation refused, next to the state', () => {
    const table = attemptsTable(
      [
        attempt({ ...ended, reason: 'content_policy_input', error: 'ContentPolicy: SAFETY.INPUT.TEXT' }),
        attempt({ ...ended, reason: 'content_policy_output', error: 'ContentPolicy: SAFETY.OUTPUT.VIDEO' }),
      ],
      plain,
    ).split('\n');
    expect(table[0]).toMatch(/^ *#\s+PROVIDER\s+STATE\s+REASON\s+PROGRESS \(%\)/);
    expect(table[1]).toMatch(/\brunway +failed +refused: the prompt \(input moderation\) +.*SAFETY\.INPUT\.TEXT$/);
    expect(table[2]).toMatch(/\brunway +failed +the output was moderated +.*SAFETY\.OUTPUT\.VIDEO$/);
  });

  it('leaves the reason blank for runs from before it was recorded: the note still has the failure', () => {
    const row = attemptsTable([attempt({ ...ended, error: 'ContentPolicy: flagged' })], plain).split('\n')[1]!;
    expect(row).toMatch(/\brunway +failed +[\d.]+ +[\d.]+ +t1 +ContentPolicy: flagged$/);
  });
});

describe('attemptsTable: throttled time', () => {
  it.each<[string, Partial<AttemptProgress>, string]>([
    ['throttled now, nothing counted yet', { throttled: true }, 'queued (throttled)'],
    [
      'throttled now, with time counted',
      { throttled: true, throttledMs: 12_000 },
      'queued (throttled for 12.0 s so far)',
    ],
    [
      'rendering after a throttled wait',
      { state: 'running', throttled: false, throttledMs: 12_000 },
      'running (12.0 s throttled)',
    ],
    [
      'ended after a throttled wait',
      { state: 'succeeded', throttledMs: 3_400, endedAt: '2026-12-05T10:00:09.000Z' },
      'succeeded (3.4 s throttled)',
    ],
    ['never throttled', { state: 'running' }, 'running'],
  ])('%s', (_what, fields, shown) => {
    const row = attemptsTable([attempt(fields)], plain).split('\n')[1]!;
    const escaped = shown.replace(/[().]/g, '\\$&');
    expect(row).toMatch(new RegExp(`\\brunway +${escaped} `));
    expect(row.match(/throttled/g)?.length ?? 0).toBe(shown.includes('throttled') ? 1 : 0);
  });
});

describe('renderSceneResult', () => {
  it("shows the stored object's URL, for the next stage to fetch", () => {
    const result: SceneVideoResult = {
      sceneId: 's1',
      provider: 'kling',
      s3Key: 'ai-videos/_/s1/kling-t1.mp4',
      s3Url: 's3://clips/ai-videos/_/s1/kling-t1.mp4',
      objectUrl: 'http://127.0.0.1:7070/clips/ai-videos/_/s1/kling-t1.mp4',
      providerVideoUrl: 'https://cdn.example/v.mp4',
      stored: true,
      durationSec: 5,
      totalCostUsd: 0.26,
      costByProvider: { kling: 0.26 },
      attempts: [attempt({ provider: 'kling', state: 'uploaded', costUsd: 0.26 })],
      generationTimeMs: 9_000,
    };
    const lines = renderSceneResult(result, plain).split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(/^ *URL +http:\/\/127\.0\.0\.1:7070\/clips\/ai-videos\/_\/s1\/kling-t1\.mp4$/),
    );
    expect(renderSceneResult({ ...result, objectUrl: undefined }, plain)).not.toMatch(/^ *URL /m);
  });
});
