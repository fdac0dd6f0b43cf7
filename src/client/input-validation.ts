import type { z } from 'zod';
import { formatZodError } from '../contract/format-zod-error';
import { projectInputSchema, type ProjectInput, type ValidProjectInput } from '../contract/project-input';
import { sceneInputSchema, type SceneInput, type ValidSceneInput } from '../contract/scene-input';
import { type Catalogue } from '../contract/catalogue';
import { defaultCatalogue } from '../config/catalogue';
import { inputTooLarge } from '../contract/payload-limits';
import { projectScenesTooLarge } from '../domain/project-scene-size';

/** One rule the input breaks: the field, as its path in the input (e.g. `['scenes', 2, 'durationSec']`), and why. */
export interface InputIssue {
  path: readonly PropertyKey[];
  message: string;
}

/** Bad input caught before anything is started; the message names every offending field. */
export class InvalidInputError extends Error {
  override readonly name: string = 'InvalidInputError';
  constructor(
    message: string,
    /** The message's issues one by one, for a caller that names fields its own way (the CLI names its flags). */
    readonly issues: readonly InputIssue[] = [],
  ) {
    super(message);
  }
}

/** Valid or not, the input is more than one start may carry (see `payloadLimits`); the message says what to do. */
export class InputTooLargeError extends InvalidInputError {
  override readonly name = 'InputTooLargeError';
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new InvalidInputError(`invalid ${what}: ${formatZodError(parsed.error)}`, parsed.error.issues);
  return parsed.data;
}

type ProviderFields = Pick<ValidSceneInput, 'preferredProvider' | 'allowedProviders'>;

/** `where` names the scene in the message (`scene`, `project: scenes[2]`); `at` is its path in the input. */
function checkProviderKeys(scene: ProviderFields, catalogue: Catalogue, where: string, at: PropertyKey[] = []): void {
  const known = new Set(catalogue.map((p) => p.key));
  const named: [string | undefined, PropertyKey[]][] = [
    [scene.preferredProvider, ['preferredProvider']],
    ...(scene.allowedProviders ?? []).map((key, i): [string, PropertyKey[]] => [key, ['allowedProviders', i]]),
  ];
  for (const [key, field] of named) {
    if (key !== undefined && !known.has(key)) {
      const message = `unknown provider "${key}" (known: ${[...known].join(', ')})`;
      throw new InvalidInputError(`invalid ${where}: ${message}`, [{ path: [...at, ...field], message }]);
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
  checkProviderKeys(scene, catalogue, 'scene');
  return scene;
}

export function validateProjectInput(input: ProjectInput, catalogue: Catalogue = defaultCatalogue): ValidProjectInput {
  const project = parse(projectInputSchema, input, 'project');
  checkSize('project', input);
  const sceneTooLarge = projectScenesTooLarge(project);
  if (sceneTooLarge) throw new InputTooLargeError(sceneTooLarge);
  project.scenes.forEach((scene, i) => checkProviderKeys(scene, catalogue, `project: scenes[${i}]`, ['scenes', i]));
  return project;
}
