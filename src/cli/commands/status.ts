import type { Command } from '../command';
import { exitCodes } from '../errors';
import { renderView } from '../progress-tables';
import { noSetupCheck, withTemporal } from '../session';
import { watchWorkflow } from '../watch';
import { finishedExitCode, loadView } from '../workflow-view';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show a scene or project workflow: phase, ranking, attempts, cost; --watch follows it live',
  usage: {
    positionals: [{ name: 'workflowId', description: 'e.g. scene-video:launch:hook-1 or project-video-launch' }],
    options: {
      watch: { type: 'boolean', description: 'Redraw live progress per scene until the workflow closes' },
    },
    details: [
      'A scene shows its phase, the provider ranking, every attempt (provider, state, progress, cost, error) and the',
      "totals; a project shows each scene's phase, provider and cost. A closed workflow no worker replays is shown",
      'from its result or failure.',
      'Exit codes: 0 shown (with --watch: the workflow completed), 1 with --watch: it failed, was cancelled or',
      '(a project) has a failed or budget-skipped scene, 3 no such workflow, 4 with --watch: a clip was generated',
      'but not stored (only its expiring provider URL).',
    ],
    examples: ['scene-video status project-video-launch --watch'],
  },
  async run(args, { out, env, onInterrupt }) {
    const workflowId = args.positional(0);
    return withTemporal(
      env,
      async ({ client }) => {
        if (!args.flag('watch')) {
          const view = await loadView(client, workflowId, 10_000);
          out.emit(view, () => renderView(view, out.paint));
          return exitCodes.ok;
        }
        onInterrupt('Stopped watching; the workflow keeps going.');
        const view = await watchWorkflow(client, workflowId, out);
        out.emit(view, () => `\n${renderView(view, out.paint)}`);
        return finishedExitCode(view);
      },
      noSetupCheck,
    );
  },
};
