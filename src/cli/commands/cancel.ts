import { cancelProjectVideos } from '../../client/project-videos';
import { cancelSceneVideo } from '../../client/scene-video';
import type { Command } from '../command';
import { exitCodes } from '../errors';
import { noSetupCheck, withTemporal } from '../session';
import { describeWorkflow } from '../workflow-view';

export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'Cancel a scene or project workflow; running provider tasks are cancelled too',
  usage: {
    positionals: [{ name: 'workflowId', description: 'e.g. scene-video:launch:hook-1 or project-video-launch' }],
    options: {},
    details: [
      'Requests cancellation and returns; the workflow cancels its remote provider task(s) before it stops.',
      'A workflow that already closed is left as it is. Exit codes: 0 requested or already closed, 3 no such workflow.',
    ],
  },
  async run(args, { out, env }) {
    const workflowId = args.positional(0);
    return withTemporal(
      env,
      async ({ client }) => {
        const { kind, status } = await describeWorkflow(client, workflowId);
        const follow = `scene-video status ${workflowId}`;
        if (status.name !== 'RUNNING') {
          out.emit(
            { workflowId, kind, status: status.name, cancelRequested: false },
            () => `${workflowId} is already ${status.name}; nothing to cancel.`,
          );
          return exitCodes.ok;
        }
        await (kind === 'scene' ? cancelSceneVideo(client, workflowId) : cancelProjectVideos(client, workflowId));
        out.emit(
          { workflowId, kind, status: status.name, cancelRequested: true, follow },
          () =>
            `Cancellation requested for ${kind} workflow ${workflowId}; it cancels its provider task(s) and stops.\nCheck:  ${follow}`,
        );
        return exitCodes.ok;
      },
      noSetupCheck,
    );
  },
};
