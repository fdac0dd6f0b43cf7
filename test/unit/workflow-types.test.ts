import { describe, expect, it } from 'vitest';
import { projectWorkflowType } from '../../src/contract/project-workflow';
import { sceneWorkflowType } from '../../src/contract/scene-workflow';
import * as workflows from '../../src/workflows';

describe('workflow types', () => {
  it('are the names clients start the workflow functions by', () => {
    expect(workflows.generateSceneVideo.name).toBe(sceneWorkflowType);
    expect(workflows.generateProjectVideos.name).toBe(projectWorkflowType);
  });

  it('are the export names the worker registers the workflows under, one for each', () => {
    const exported = Object.entries(workflows).filter(([, value]) => typeof value === 'function');
    expect(exported.map(([name]) => name).sort()).toEqual([projectWorkflowType, sceneWorkflowType].sort());
  });
});
