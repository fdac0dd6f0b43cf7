import type { z } from 'zod';
import { formatZodError } from '../contract/format-zod-error';
import { projectInputSchema, type ProjectInput, type ValidProjectInput } from '../contract/project-input';
import { sceneInputSchema, type SceneInput, type ValidSceneInput } from '../contract/scene-input';
import { type Catalogue } from '../contract/catalogue';
import { defaultCatalogue } from '../config/catalogue';
import { inputTooLarge } from '../contract/payload-limits';
import { projectScenesTooLarge } from '../domain/project-scene-size';

/** Bad input caught before anything is started; the message names every offending field. */
export class InvalidInputError extends Error {
  override readonly name: string = 'InvalidInputError';
}

/** Valid or not, the input is more than one start may carry (see `payloadLimits`); the message says what to do. */
export class InputTooLargeError extends InvalidInputError {
  override readonly name = 'InputTooLargeError';
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(`invalid ${what}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

function checkProviderKeys(keys: readonly (string | undefined)[], catalogue: Catalogue, path: string): void {
  const known = new Set(catalogue.map((p) => p.key));
  for (const key of keys) {
    if (key !== undefined && !known.has(key)) {
      throw new InvalidInputError(`invalid ${path}: unknown provider "${key}" (known: ${[...known].join(', ')})`);
    }
  }
}

/** The encoded size the start would carry, checked as the worker checks it (and with its message). */
function checkSize(kind: 'project' | 'scene', input: unknown): void {
  const tooLarge = inputTooLarge(kind, input);
  if (tooLarge) throw new InputTooLargeError(tooLarge);
}

/** Validates with the workflow's own schema, plus the provider names against the catalogue the client knows. */
export function validateSceneInput(input: SceneInput, catalogue: Catalogue = defaultCatalogue): ValidSceneInput {
  const scene = parse(sceneInputSchema, input, 'scene');
  checkSize('scene', input);
  checkProviderKeys([scene.preferredProvider, ...(scene.allowedProviders ?? [])], catalogue, 'scene');
  return scene;
}

export function validateProjectInput(input: ProjectInput, catalogue: Catalogue = defaultCatalogue): ValidProjectInput {
  const project = parse(projectInputSchema, input, 'project');
  checkSize('project', input);
  const sceneTooLarge = projectScenesTooLarge(project);
  if (sceneTooLarge) throw new InputTooLargeError(sceneTooLarge);
  project.scenes.forEach((scene, i) =>
    checkProviderKeys([scene.preferredProvider, ...(scene.allowedProviders ?? [])], catalogue, `project: scenes[${i}]`),
  );
  return project;
}
