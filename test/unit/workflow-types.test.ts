import { describe, expect, expectTypeOf, it } from 'vitest';
import { projectWorkflowType, type ProjectWorkflow } from '../../src/contract/project-workflow';
import { providerGateWorkflowType } from '../../src/contract/provider-gate';
import { sceneWorkflowType, type SceneWorkflow } from '../../src/contract/scene-workflow';
import * as workflows from '../../src/workflows';

describe('workflow types', () => {
  it('are the names clients start the workflow functions by', () => {
    expect(workflows.generateSceneVideo.name).toBe(sceneWorkflowType);
    expect(workflows.generateProjectVideos.name).toBe(projectWorkflowType);
    expect(workflows.providerGate.name).toBe(providerGateWorkflowType);
  });

  it('implement the signatures clients type their handles with (checked by tsc)', () => {
    expectTypeOf(workflows.generateSceneVideo).toEqualTypeOf<SceneWorkflow>();
    expectTypeOf(workflows.generateProjectVideos).toEqualTypeOf<ProjectWorkflow>();
  });

  it('are the export names the worker registers the workflows under, one for each', () => {
    const exported = Object.entries(workflows).filter(([, value]) => typeof value === 'function');
    expect(exported.map(([name]) => name).sort()).toEqual(
      [projectWorkflowType, providerGateWorkflowType, sceneWorkflowType].sort(),
    );
  });
});
