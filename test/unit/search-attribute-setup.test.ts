import { describe, expect, it } from 'vitest';
import { allSearchAttributeKeys, searchAttributes } from '../../src/contract/search-attributes';
import {
  conflictFix,
  isComplete,
  isTemporalCloudAddress,
  planSearchAttributes,
  setupProblem,
  tcldAddCommand,
  temporalCliCreateCommands,
} from '../../src/domain/search-attribute-setup';

const all = {
  ProjectId: 'KEYWORD',
  SceneId: 'KEYWORD',
  SceneType: 'KEYWORD',
  VideoProvider: 'KEYWORD',
  VideoStatus: 'KEYWORD',
  CostUsd: 'DOUBLE',
};
const { sceneId, costUsd, videoStatus } = searchAttributes;

describe('what a namespace lacks of the search attributes scene-video writes', () => {
  it('an empty namespace lacks all six, in the contract order', () => {
    const plan = planSearchAttributes({});
    expect(plan.missing).toEqual(allSearchAttributeKeys);
    expect(plan.present).toEqual([]);
    expect(isComplete(plan)).toBe(false);
  });

  it("a namespace with all six is complete, whatever other applications' attributes it has", () => {
    const plan = planSearchAttributes({ ...all, CustomerId: 'KEYWORD', SceneID: 'TEXT' });
    expect(plan).toEqual({ present: allSearchAttributeKeys, missing: [], conflicts: [] });
    expect(isComplete(plan)).toBe(true);
  });

  it('an attribute of another type is a conflict, not present and not missing', () => {
    const { VideoStatus: _v, SceneId: _s, ...rest } = all;
    const plan = planSearchAttributes({ ...rest, VideoStatus: 'TEXT' });
    expect(plan.missing).toEqual([sceneId]);
    expect(plan.conflicts).toEqual([{ name: 'VideoStatus', expected: 'KEYWORD', actual: 'TEXT' }]);
    expect(plan.present).not.toContain(videoStatus);
  });

  it('a name is matched exactly (Temporal names are case-sensitive) and never from the prototype', () => {
    expect(planSearchAttributes({ sceneid: 'KEYWORD', constructor: 'KEYWORD' }).missing).toContain(sceneId);
  });
});

describe('the one line a worker or client fails with', () => {
  it('names the missing attributes and the fix', () => {
    const { SceneId: _id, ...noSceneId } = all;
    expect(setupProblem('default', planSearchAttributes(noSceneId))).toBe(
      'Namespace default lacks the search attribute SceneId that scene-video needs: run `scene-video setup` ' +
        '(Temporal Cloud: it prints the tcld command).',
    );
    const { SceneId: _s, CostUsd: _c, ...rest } = all;
    expect(setupProblem('default', planSearchAttributes(rest))).toBe(
      'Namespace default lacks the search attributes SceneId, CostUsd that scene-video needs: run `scene-video setup` ' +
        '(Temporal Cloud: it prints the tcld command).',
    );
  });

  it('names a wrong type with the type it has and the one it needs, and says setup will not change it', () => {
    const { CostUsd: _c, ...rest } = all;
    const line = setupProblem('videos', planSearchAttributes({ ...rest, VideoStatus: 'TEXT' }));
    expect(line).toBe(
      'Namespace videos has search attributes of the wrong type for scene-video: VideoStatus is Text, not Keyword; ' +
        'and it lacks the search attribute CostUsd: `scene-video setup` never changes a type; run it to see how to ' +
        'fix this, or set TEMPORAL_NAMESPACE to a namespace of its own.',
    );
    expect(line).not.toContain('\n');
  });

  it('is empty for a complete namespace', () => {
    expect(setupProblem('default', planSearchAttributes(all))).toBe('');
  });
});

describe('the commands that add them', () => {
  it("tcld's: one command, every attribute as name=type (tcld's own spelling)", () => {
    expect(tcldAddCommand('videos.a1b2c', [sceneId, costUsd])).toBe(
      'tcld namespace search-attributes add --namespace videos.a1b2c ' +
        '--search-attribute "SceneId=Keyword" --search-attribute "CostUsd=Double"',
    );
  });

  it("the Temporal CLI's: one command, a --type for each --name (the CLI pairs them by position)", () => {
    const [command, ...more] = temporalCliCreateCommands('default', allSearchAttributeKeys);
    expect(more).toEqual([]);
    expect(command).toBe(
      'temporal operator search-attribute create --namespace default --name ProjectId --type Keyword ' +
        '--name SceneId --type Keyword --name SceneType --type Keyword --name VideoProvider --type Keyword ' +
        '--name VideoStatus --type Keyword --name CostUsd --type Double',
    );
    // What the CLI registers: for each --type, the --name at the same position.
    const words = command!.split(' ');
    const names = words.filter((_, i) => words[i - 1] === '--name');
    const types = words.filter((_, i) => words[i - 1] === '--type');
    expect(types.map((_, i) => names[i])).toEqual(allSearchAttributeKeys.map((k) => k.name));
  });

  it('quotes a namespace the shell would split or expand', () => {
    expect(tcldAddCommand("a b'$x", [sceneId])).toContain(`--namespace 'a b'\\''$x' --search-attribute`);
  });

  it('a conflict is fixed by removing the attribute (if nothing else uses it), with the tool for the server', () => {
    const conflict = { name: 'VideoStatus', expected: 'KEYWORD', actual: 'TEXT' } as const;
    expect(conflictFix('default', conflict, false)).toContain(
      '`temporal operator search-attribute remove --namespace default --name VideoStatus --yes`',
    );
    expect(conflictFix('v.acct', conflict, true)).toContain(
      '`tcld namespace search-attributes remove --namespace v.acct --search-attribute VideoStatus`',
    );
    expect(conflictFix('default', conflict, false)).toMatch(/^if nothing else uses VideoStatus, remove it/);
  });
});

describe('Temporal Cloud by its address', () => {
  it('knows the mTLS and the API-key endpoints, and nothing else', () => {
    expect(isTemporalCloudAddress('videos.a1b2c.tmprl.cloud:7233')).toBe(true);
    expect(isTemporalCloudAddress('us-east-1.aws.api.temporal.io:7233')).toBe(true);
    expect(isTemporalCloudAddress('US-EAST-1.AWS.API.TEMPORAL.IO:7233')).toBe(true);
    expect(isTemporalCloudAddress('localhost:7233')).toBe(false);
    expect(isTemporalCloudAddress('temporal.example.com:7233')).toBe(false);
    expect(isTemporalCloudAddress('tmprl.cloud.example.com:7233')).toBe(false);
  });
});
