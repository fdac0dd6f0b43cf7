import { WorkflowFailedError } from '@temporalio/client';
import type { SceneInput } from '../../contract/scene-input';
import { startValidatedScene, waitForSceneVideo } from '../../client/scene-video';
import type { Args } from '../args';
import type { Command } from '../command';
import { knownCatalogue } from '../env-catalogue';
import { describeWorkflowFailure, exitCodes } from '../errors';
import { attemptsTable, renderSceneResult } from '../progress-tables';
import {
  moderationFields,
  moderationOptions,
  planningFields,
  planningOptions,
  validateSceneFlags,
} from '../scene-flags';
import { withTemporal } from '../session';
import { failureSnapshot, sceneExitCode, unstoredWarning } from '../workflow-view';

function sceneFromFlags(args: Args): SceneInput {
  const pollIntervalMs = args.number('poll-interval-ms', 'a number of milliseconds');
  return {
    sceneId: args.required('scene-id'),
    ...planningFields(args),
    projectId: args.string('project'),
    negativePrompt: args.string('negative-prompt'),
    imageUrl: args.string('image-url'),
    maxCostUsd: args.number('max-cost', 'an amount in USD'),
    ...moderationFields(args),
    ...(pollIntervalMs !== undefined ? { polling: { intervalMs: pollIntervalMs } } : {}),
  };
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Generate one scene: start its workflow (or attach to the existing one) and optionally wait for the clip',
  usage: {
    positionals: [],
    options: {
      'scene-id': { type: 'string', value: '<id>', description: 'Scene id (1–64 letters, digits, ".", "_", "-")' },
      'scene-type': {
        type: 'string',
        value: '<type>',
        description: 'Scene type, e.g. hook, testimonial, product, broll, cta',
      },
      prompt: { type: 'string', value: '<text>', description: 'Visual prompt (at most 2000 characters)' },
      duration: planningOptions.duration,
      aspect: planningOptions.aspect,
      project: { type: 'string', value: '<id>', description: 'Project id; part of the workflow id and the S3 key' },
      'negative-prompt': {
        type: 'string',
        value: '<text>',
        description: 'What to avoid (a sensible default otherwise)',
      },
      preferred: planningOptions.preferred,
      allowed: planningOptions.allowed,
      'max-cost': { type: 'string', value: '<USD>', description: 'Budget for this scene in USD, across all attempts' },
      'image-url': { type: 'string', value: '<https URL>', description: 'Reference image for image-to-video' },
      ...moderationOptions,
      wait: { type: 'boolean', description: 'Wait for the clip and print the result' },
      'poll-interval-ms': { type: 'string', value: '<ms>', description: 'Provider polling interval', hidden: true },
    },
    details: [
      'The workflow id is scene-video:<project or _>:<scene id>: generating the same scene again attaches to its',
      'running or finished workflow instead of paying twice (also one started under the older id',
      'scene-video-<project or _>-<scene id>); only a failed or cancelled scene starts afresh. A run under the id',
      'that holds another scene, or this scene with other content, is refused (exit 2), and nothing is started.',
      '--input-moderation fail-scene ends the scene (ContentRefused, exit 1 with --wait) the first time a provider',
      "refuses the prompt, instead of paying the next providers' attempts at it; --output-moderation does the same",
      'for a refused clip. The default for both, next-provider, tries the next provider in the ranking.',
      'Exit codes: 0 started/attached (with --wait: clip stored), 1 the scene failed or was cancelled, 2 invalid flags',
      '(nothing started) or a refused attach, 4 with --wait: generated but not stored (only the expiring provider URL',
      'holds the clip).',
    ],
    examples: [
      'scene-video generate --project launch --scene-id hook-1 --scene-type hook --prompt "Cinematic sunrise over a city" --duration 5 --aspect 16:9 --wait',
    ],
  },
  async run(args, { out, env, onInterrupt }) {
    const given = sceneFromFlags(args);
    const scene = { given, input: validateSceneFlags(args, given, knownCatalogue(env)) };

    return withTemporal(env, async ({ client, taskQueue }) => {
      const { workflowId, started, handle } = await startValidatedScene(client, scene, { taskQueue });
      const status = started ? 'RUNNING' : (await handle.describe()).status.name;
      const follow = `scene-video status ${workflowId} --watch`;
      const intro = started
        ? `Started scene workflow ${out.paint.bold(workflowId)} on task queue ${taskQueue}.`
        : `Attached to the existing workflow ${out.paint.bold(workflowId)} (${status}); nothing new was started.`;
      const summary = { workflowId, started, status, taskQueue, follow };
      if (!args.flag('wait')) {
        out.emit(summary, () => `${intro}\nFollow it:  ${follow}`);
        return exitCodes.ok;
      }

      out.text(`${intro}\nWaiting for the clip… (Ctrl-C stops waiting; the scene keeps going)`);
      onInterrupt(`Stopped waiting; the scene keeps going. Follow it:  ${follow}`);
      try {
        const result = await waitForSceneVideo(client, workflowId);
        out.emit({ ...summary, status: 'COMPLETED', result }, () => `\n${renderSceneResult(result, out.paint)}`);
        if (!result.stored) out.warn(`${unstoredWarning(1)} URL: ${result.providerVideoUrl}`);
        return sceneExitCode(result);
      } catch (err) {
        if (!(err instanceof WorkflowFailedError)) throw err;
        const snapshot = failureSnapshot(err);
        const message = describeWorkflowFailure(err);
        const closed = (await handle.describe()).status.name;
        out.emit({ ...summary, status: closed, error: message, progress: snapshot }, () =>
          [
            `\n${out.paint.red(message)}`,
            ...(snapshot?.attempts.length ? ['', attemptsTable(snapshot.attempts, out.paint)] : []),
          ].join('\n'),
        );
        return exitCodes.failed;
      }
    });
  },
};
