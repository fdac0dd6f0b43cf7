import { describe, expect, it } from 'vitest';
import { reasonCell, unrecordedNote } from '../../src/cli/commands/cost';

describe('scene-video cost --attempts: the reason column', () => {
  it('says why in words; for runs from before the class was recorded, the failure type', () => {
    const error = 'ContentPolicy: runway task t1 failed: flagged (SAFETY.INPUT.TEXT)';
    expect(reasonCell({ reason: 'content_policy_input', error })).toBe('refused: the prompt (input moderation)');
    expect(reasonCell({ reason: 'content_policy_output', error })).toBe('the output was moderated');
    expect(reasonCell({ error })).toBe('ContentPolicy');
    expect(reasonCell({ error: 'no result within 60000 ms of polling and more words after that' })).toBe(
      'no result within 60000 ms of polling an…',
    );
    expect(reasonCell({})).toBe('');
  });
});

describe('scene-video cost --attempts: scenes without attempts', () => {
  it("says how much the attempts' total leaves out, and what all scenes come to", () => {
    const unrecorded = [
      { workflowId: 'scene-video:p:a', status: 'CANCELLED', costUsd: 0.5 },
      { workflowId: 'scene-video:p:b', status: 'TERMINATED', costUsd: 0.25 },
    ];
    expect(unrecordedNote(unrecorded, 2)).toEqual([
      "The attempts' total leaves out these 2 scenes' 0.7500 USD; with them, 2.0000 USD as above.",
    ]);
  });

  it('says nothing when those scenes cost nothing', () => {
    expect(unrecordedNote([{ workflowId: 'scene-video:p:a', status: 'CANCELLED', costUsd: 0 }], 1)).toEqual([]);
  });
});
