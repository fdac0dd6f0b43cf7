import { WorkflowFailedError } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import type { ProjectInput } from '../../contract/project-input';
import { InputTooLargeError, InvalidInputError, validateProjectInput } from '../../client/input-validation';
import { startValidatedProject, waitForProjectVideos, type ValidatedProject } from '../../client/project-videos';
import { attachable } from '../../client/start-or-attach';
import { projectWorkflowId } from '../../contract/workflow-ids';
import { checkProjectBalance, ignoreBalanceFlag } from '../balance-preflight';
import type { Command } from '../command';
import { knownCatalogue } from '../env-catalogue';
import { describeWorkflowFailure, exitCodes, UsageError } from '../errors';
import { renderProjectResult, renderView } from '../progress-tables';
import { jsonSchemas } from '../json-schemas';
import { withTemporal } from '../session';
import { watchWorkflow } from '../watch';
import { finishedExitCode, projectExitCode, unstoredWarning } from '../workflow-view';

const formatHint = `The format is described by \`scene-video schema\` (${jsonSchemas.project.path}).`;

const sizeHint = 'Nothing was started. The limits and why they are what they are: README.md, "Limits".';

/** A field as a project file spells its path, e.g. `scenes[2].durationSec`; the input itself is `(input)`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  const text = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return text.replace(/^\./, '') || '(input)';
}

/** Reads and validates the file completely before anything talks to Temporal, so bad input never starts work. */
function readProject(file: string, env: NodeJS.ProcessEnv): ValidatedProject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read project file ${file}: ${(err as Error).message}`);
  }
  let given: ProjectInput;
  try {
    given = JSON.parse(text) as ProjectInput;
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`, formatHint);
  }
  try {
    return { given, input: validateProjectInput(given, knownCatalogue(env)) };
  } catch (err) {
    if (err instanceof InputTooLargeError) throw new UsageError(`${file}: ${err.message}`, sizeHint);
    if (err instanceof InvalidInputError) {
      const issues = err.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`).join('; ');
      throw new UsageError(`${file}: invalid project: ${issues}`, formatHint);
    }
    throw err;
  }
}

export const projectCommand: Command = {
  name: 'project',
  summary: 'Start every scene of a video from a project file (or attach to its workflow), optionally wait or watch',
  usage: {
    positionals: [
      { name: 'file.json', description: `Project file; see \`scene-video schema\` (${jsonSchemas.project.path})` },
    ],
    options: {
      wait: { type: 'boolean', description: 'Wait for every scene and print the project table' },
      watch: { type: 'boolean', description: 'Show live progress per scene until the project finishes' },
      [ignoreBalanceFlag]: {
        type: 'boolean',
        description: "Start even when a provider account's balance is below the project's estimate",
      },
    },
    details: [
      'The file is validated completely first; an unreadable file, invalid JSON or an invalid project exits 2',
      'naming the field, and nothing is started. Scenes run as child workflows, at most maxConcurrentScenes at once.',
      'Before starting (not when attaching), each provider account the project would spend on is asked for its',
      "balance: the estimate per route is the catalogue price of each scene's first-ranked provider, summed, at most",
      'budgetUsd. A balance below it refuses the start (exit 6, see --ignore-balance); a route whose balance cannot be',
      'read, or that reports none, only warns. Checked routes are those whose keys this environment sets.',
      'Exit codes: 0 started/attached (with --wait/--watch: every scene stored), 1 a scene failed or was skipped',
      'for budget, or the project failed, 2 invalid file, 4 every other scene stored but some generated and not stored',
      '(only the expiring provider URL holds their clips, shown in DETAIL), 6 refused: a balance below the estimate.',
    ],
    examples: ['scene-video project launch.json --watch'],
  },
  async run(args, { out, env, onInterrupt }) {
    const file = args.positional(0);
    const project = readProject(file, env);

    return withTemporal(env, async ({ client, taskQueue }) => {
      // Attaching spends nothing new, and the running project's own spending must not refuse its re-attach.
      const attaching = await attachable(client, projectWorkflowId(project.input.projectId));
      if (!args.flag(ignoreBalanceFlag) && !attaching) await checkProjectBalance(project.input, env, out);
      const { workflowId, started, handle } = await startValidatedProject(client, project, { taskQueue });
      const status = started ? 'RUNNING' : (await handle.describe()).status.name;
      const follow = `scene-video status ${workflowId} --watch`;
      const summary = { workflowId, started, status, taskQueue, follow };
      const intro = started
        ? `Started project workflow ${out.paint.bold(workflowId)} (${project.input.scenes.length} scenes) on task queue ${taskQueue}.`
        : `Attached to the existing project workflow ${out.paint.bold(workflowId)} (${status}); nothing new was started.`;
      if (!args.flag('wait') && !args.flag('watch')) {
        out.emit(summary, () => `${intro}\nFollow it:  ${follow}`);
        return exitCodes.ok;
      }

      out.text(intro);
      onInterrupt(`Stopped following; the project keeps going. Follow it:  ${follow}`);
      if (args.flag('watch')) {
        const view = await watchWorkflow(client, workflowId, out);
        out.emit(
          { ...summary, status: view.status, result: view.progress, error: view.note },
          () => `\n${renderView(view, out.paint)}`,
        );
        if (view.kind === 'project' && view.progress?.counts.unstored)
          out.warn(unstoredWarning(view.progress.counts.unstored));
        return finishedExitCode(view);
      }
      try {
        const result = await waitForProjectVideos(client, workflowId);
        out.emit({ ...summary, status: 'COMPLETED', result }, () => `\n${renderProjectResult(result, out.paint)}`);
        if (result.counts.unstored) out.warn(unstoredWarning(result.counts.unstored));
        if (result.manifestError) out.warn(result.manifestError);
        return projectExitCode(result);
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        const message = describeWorkflowFailure(err);
        out.emit({ ...summary, status: (await handle.describe()).status.name, error: message }, () =>
          out.paint.red(message),
        );
        return exitCodes.failed;
      }
    });
  },
};
