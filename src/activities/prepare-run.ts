import { ApplicationFailure } from '@temporalio/activity';
import { formatZodError } from '../contract/format-zod-error';
import { inputTooLarge } from '../contract/payload-limits';
import { projectScenesTooLarge } from '../domain/project-scene-size';
import { failureTypes } from '../contract/scene-workflow';
import { withoutEchoedFields } from '../domain/project-echo';
import { projectInputSchema, type ProjectInput } from '../contract/project-input';
import { sceneInputSchema, type SceneInput } from '../contract/scene-input';
import type { PreparedProject, PreparedScene, ProviderSetup } from '../contract/activities';
import { withAccountLimits } from '../domain/account-limits';
import { configuredProviders, type ActivityDeps } from './dependencies';

/**
 * Validation and the worker's provider setup, run as the workflow's first (local) activity. The schemas stay out of
 * workflow code: the SDK evaluates a workflow's modules afresh for every run, and building the zod schemas there cost
 * more worker CPU than the rest of the scene together. The validated input is recorded in history, so replay needs
 * neither the schemas nor this worker's configuration.
 */
export function createPrepareRun(deps: ActivityDeps) {
  const setup = (): ProviderSetup => ({
    catalogue: deps.accountConcurrency
      ? withAccountLimits(deps.catalogue, deps.accountConcurrency.current())
      : deps.catalogue,
    configured: configuredProviders(deps),
    storageFailureMode: deps.storage.failureMode,
    ...(deps.gate && { gate: deps.gate }),
  });
  return {
    async prepareScene(raw: SceneInput): Promise<PreparedScene> {
      const parsed = sceneInputSchema.safeParse(raw);
      if (!parsed.success)
        throw ApplicationFailure.nonRetryable(
          `invalid scene input: ${formatZodError(parsed.error)}`,
          failureTypes.invalidInput,
        );
      // After the schema, as the client checks: a field's own rule is the more useful message.
      const tooLarge = inputTooLarge('scene', raw);
      if (tooLarge) throw ApplicationFailure.nonRetryable(tooLarge, failureTypes.invalidInput);
      return { input: parsed.data, setup: setup() };
    },
    async prepareProject(raw: ProjectInput): Promise<PreparedProject> {
      const parsed = projectInputSchema.safeParse(raw);
      if (!parsed.success)
        throw ApplicationFailure.nonRetryable(
          `invalid project input: ${formatZodError(parsed.error)}`,
          failureTypes.invalidProjectInput,
        );
      // As the client checks it: a project started by another client fails here, before any scene starts.
      const tooLarge = inputTooLarge('project', raw);
      if (tooLarge) throw ApplicationFailure.nonRetryable(tooLarge, failureTypes.invalidProjectInput);
      // Each scene as its child will start: one over the scene limit would fail only once others were paid for.
      const sceneTooLarge = projectScenesTooLarge(parsed.data);
      if (sceneTooLarge) throw ApplicationFailure.nonRetryable(sceneTooLarge, failureTypes.invalidProjectInput);
      // The marker records what the start event does not already hold: the scenes' prompts stay out.
      return { project: withoutEchoedFields(parsed.data, raw), setup: setup() };
    },
  };
}
