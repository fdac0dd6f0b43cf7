import type {
  EchoedField,
  ProjectInput,
  SlimProject,
  SlimScene,
  ValidProjectInput,
  ValidProjectScene,
} from '../contract/project-input';

const echoedFields: readonly EchoedField[] = ['prompt', 'negativePrompt', 'imageUrl'];

/**
 * The validated project without the scene fields that are exactly as in the raw input, which history already holds in
 * the start event: recorded whole, `prepareProject`'s marker doubled the history's bytes and, near the 2 MiB payload
 * limit, exceeded it (the server then terminated the run with BadRecordMarkerAttributes).
 */
export function withoutEchoedFields(project: ValidProjectInput, raw: ProjectInput): SlimProject {
  return {
    ...project,
    scenes: project.scenes.map((scene, i) => {
      const from = raw.scenes[i] as Partial<Record<EchoedField, unknown>> | undefined;
      const slim: SlimScene = { ...scene };
      for (const f of echoedFields) if (slim[f] !== undefined && slim[f] === from?.[f]) delete slim[f];
      return slim;
    }),
  };
}

/** The inverse, in workflow code: a marker recorded whole (before this change) has nothing missing and passes as is. */
export function withEchoedFields(project: SlimProject, raw: ProjectInput): ValidProjectInput {
  return {
    ...project,
    scenes: project.scenes.map((scene, i) => {
      const from = raw.scenes[i] as Partial<Record<EchoedField, string>> | undefined;
      const whole = { ...scene };
      for (const f of echoedFields) if (whole[f] === undefined && from?.[f] !== undefined) whole[f] = from[f];
      return whole as ValidProjectScene;
    }),
  };
}
