import { describe, expect, it } from 'vitest';
import { unrecordedNote } from '../../src/cli/commands/cost';

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
