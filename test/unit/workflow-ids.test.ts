import { describe, expect, it } from 'vitest';
import {
  legacySceneWorkflowId,
  projectWorkflowId,
  providerGateWorkflowId,
  sceneWorkflowId,
} from '../../src/contract/workflow-ids';

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

describe('legacy and project workflow ids', () => {
  it('keep the formats runs in flight were started under', () => {
    expect(legacySceneWorkflowId('hook', 'acme')).toBe('scene-video-acme-hook');
    expect(legacySceneWorkflowId('hook')).toBe('scene-video-_-hook');
    expect(projectWorkflowId('acme')).toBe('project-video-acme');
  });
});

describe('provider gate workflow ids', () => {
  it('are neither a scene id (new or old format) nor a project id', () => {
    const gate = providerGateWorkflowId('scene-video', 'runway');
    expect(gate).toBe('scene-video-gate:scene-video:runway');
    expect(gate.startsWith(sceneWorkflowId('', '').slice(0, 'scene-video:'.length))).toBe(false);
    // An old-format scene id is `scene-video-` and business ids, which hold no `:`.
    expect(gate.slice('scene-video-'.length)).toContain(':');
    expect(gate.startsWith(projectWorkflowId(''))).toBe(false);
  });
});
