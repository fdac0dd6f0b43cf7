import type { S3Client } from '@aws-sdk/client-s3';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { presignedGetUrl, presignedUrlExpiresAt, presignedUrlExpiry, storedObjectOf } from '../../client/object-urls';
import { startedProjectInput } from '../../client/project-videos';
import { runSceneIdentity } from '../../client/scene-identity-check';
import type { ValidProjectScene } from '../../contract/project-input';
import { sameScene, sceneIdentity } from '../../domain/scene-identity';
import type { Catalogue } from '../../contract/catalogue';
import { businessIdSchema } from '../../contract/scene-input';
import type { SceneWorkflow } from '../../contract/scene-workflow';
import { projectWorkflowId } from '../../contract/workflow-ids';
import type { Command } from '../command';
import { renderContactSheet, type ContactSheet, type SheetScene } from '../contact-sheet';
import { knownCatalogue } from '../env-catalogue';
import { CliError, exitCodes, s3CredentialsError } from '../errors';
import type { Output } from '../output';
import { readEach, sceneReadsAtOnce } from '../read-pool';
import { cliS3Client, presignExpiryFlag } from '../s3-access';
import { noSetupCheck, withTemporal } from '../session';
import { closedSceneProgress, loadView } from '../workflow-view';

const endedPhases = new Set(['succeeded', 'unstored', 'failed', 'cancelled']);

/**
 * Everything the contact sheet shows, read without a worker where the runs have closed: the project's view, its input
 * (prompts), each scene's result or failure snapshot (its live progress while it runs), and a presigned URL per
 * stored clip. Unknown project: the CLI's not-found error (exit 3).
 */
export async function loadContactSheet(
  client: Client,
  s3: S3Client,
  projectId: string,
  { expiresInSec, catalogue, out }: { expiresInSec: number; catalogue: Catalogue; out?: Output },
): Promise<ContactSheet> {
  const workflowId = projectWorkflowId(projectId);
  const view = await loadView(client, workflowId, 10_000);
  if (view.kind !== 'project' || !view.progress) {
    throw new CliError(
      `Project "${projectId}" has no progress to report: ${view.note ?? 'its workflow gave none'}.`,
      exitCodes.failed,
      `\`scene-video status ${workflowId}\` shows what is known of it.`,
    );
  }
  const progress = view.progress;
  const generatedAt = new Date();
  const notes: string[] = [];
  const input = await startedProjectInput(client, workflowId, view.runId);
  if (!input) notes.push("The project's input could not be read from its history: prompts are not shown.");
  const asked = new Map(input?.scenes.map((s) => [s.sceneId, s]));

  const scenes = await readEach(
    progress.scenes,
    async (status): Promise<SheetScene> => {
      const a = asked.get(status.sceneId);
      const scene: SheetScene = {
        status,
        asked: a && { prompt: a.prompt, aspectRatio: a.aspectRatio, durationSec: a.durationSec },
        attempts: [],
      };
      if (status.phase === 'running') {
        scene.attempts = progress.live[status.sceneId]?.attempts ?? [];
        return scene;
      }
      if (!endedPhases.has(status.phase)) return scene;
      const handle = client.workflow.getHandle<SceneWorkflow>(status.workflowId);
      if (status.phase === 'failed' && a && !(await holdsScene(client, handle, { ...a, projectId }))) return scene;
      const closed = await closedSceneProgress(handle);
      scene.attempts = closed.progress?.attempts ?? [];
      scene.result = closed.progress?.result;
      const stored = scene.result?.stored && scene.result.s3Url ? storedObjectOf(scene.result.s3Url) : undefined;
      if (stored) scene.clipUrl = await presignedGetUrl(s3, stored, expiresInSec);
      return scene;
    },
    {
      limit: sceneReadsAtOnce,
      progress: (done, total, finished) =>
        out?.text(finished ? `read ${total} scenes` : `reading scenes: ${done} of ${total}…`),
    },
  );
  return {
    projectId,
    workflowId,
    status: view.status,
    generatedAt: generatedAt.toISOString(),
    urlsExpireAt: presignedUrlExpiresAt(generatedAt.getTime(), expiresInSec),
    totalCostUsd: progress.totalCostUsd,
    scenes,
    providers: Object.fromEntries(catalogue.map((p) => [p.key, { displayName: p.displayName, model: p.model }])),
    notes,
  };
}

/**
 * Whether the run under a failed scene's id is this scene's: a scene refused for identity (its id already held a run of
 * other content, e.g. the prompt was edited since) keeps that run's id, and its clip and attempts are not this scene's.
 */
async function holdsScene(
  client: Client,
  handle: WorkflowHandle<SceneWorkflow>,
  scene: ValidProjectScene & { projectId: string },
): Promise<boolean> {
  const held = await runSceneIdentity(client, await handle.describe());
  return held !== undefined && sameScene(held, sceneIdentity(scene));
}

/** `status` and `cancel` take `project-video-<id>`; given here, it names a project that does not exist. */
function notAProjectWorkflowId(err: unknown, projectId: string): unknown {
  const prefix = projectWorkflowId('');
  if (!(err instanceof CliError) || err.exitCode !== exitCodes.notFound || !projectId.startsWith(prefix)) return err;
  const bare = projectId.slice(prefix.length);
  return new CliError(
    err.message,
    err.exitCode,
    `report takes the project id, not its workflow id: scene-video report ${bare}`,
  );
}

/** Writes the page, making its folder if needed; returns the absolute path. */
export function writeContactSheet(sheet: ContactSheet, file: string): string {
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderContactSheet(sheet));
  return path;
}

export const reportCommand: Command = {
  name: 'report',
  summary:
    "Write a project's contact sheet: one HTML page with each scene's clip playing, its prompt, provider, attempts, cost and times",
  usage: {
    positionals: [{ name: 'projectId', description: 'The project id (its workflow is project-video-<projectId>)' }],
    options: {
      out: {
        type: 'string',
        value: '<file.html>',
        description: 'Where to write the page (default contact-sheet-<projectId>.html here)',
      },
      expires: {
        type: 'string',
        value: '<seconds>',
        description: `How long the clip URLs work (default ${presignedUrlExpiry.defaultSec}, at most ${presignedUrlExpiry.maxSec}: 7 days)`,
      },
    },
    details: [
      'The page is self-contained (inline CSS, no script): a card per scene in project order with its clip playing',
      "inline from a presigned S3 URL, the scene's prompt, provider and model, each attempt with its reason, cost",
      "(estimated and billed) and times; failed and skipped scenes with their reason; then the project's totals and",
      'spend by provider. The clip URLs are presigned GETs that expire (--expires); run the report again for fresh ones.',
      "It reads the runs' results and failures from Temporal (no worker needed once they closed) and presigns with the",
      "worker's S3 variables (S3_REGION, S3_ENDPOINT, S3_FORCE_PATH_STYLE, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY).",
      'A project still running gets a page of what exists so far, saying so.',
      'Exit codes: 0 written, 2 a bad project id, --expires or S3 setting, or no S3 credentials to sign the clip URLs',
      'with, 3 no such project.',
    ],
    examples: [
      'scene-video report launch-campaign',
      'scene-video report launch --out review/launch.html --expires 86400',
    ],
  },
  async run(args, { out, env }) {
    const projectId = args.positional(0);
    const ofScene = /^scene-video:([^:]+):/.exec(projectId);
    if (ofScene) {
      throw args.usage(
        `"${projectId}" is a scene's workflow id: report takes its project's id (${ofScene[1] === '_' ? 'this scene has none' : `scene-video report ${ofScene[1]}`}); for this scene's clip alone, scene-video url ${projectId}`,
      );
    }
    if (!businessIdSchema.safeParse(projectId).success) {
      throw args.usage(`the project id is 1–64 letters, digits, ".", "_", "-", got "${projectId}"`);
    }
    const expiresInSec = presignExpiryFlag(args);
    const s3 = cliS3Client(env);
    const catalogue = knownCatalogue(env);
    const file = args.string('out') ?? `contact-sheet-${projectId}.html`;
    try {
      return await withTemporal(
        env,
        async ({ client }) => {
          const sheet = await loadContactSheet(client, s3, projectId, { expiresInSec, catalogue, out }).catch(
            (err: unknown) => {
              throw notAProjectWorkflowId(s3CredentialsError(err), projectId);
            },
          );
          const path = writeContactSheet(sheet, file);
          const clips = sheet.scenes.filter((s) => s.clipUrl).length;
          out.emit(
            {
              path,
              projectId,
              workflowId: sheet.workflowId,
              status: sheet.status,
              scenes: sheet.scenes.length,
              clips,
              urlsExpireAt: sheet.urlsExpireAt,
            },
            () =>
              [
                `Wrote ${path}`,
                `${sheet.scenes.length} scenes, ${clips} clips; project ${sheet.status}; clip URLs expire at ${sheet.urlsExpireAt}`,
                ...(sheet.status === 'RUNNING'
                  ? ['The project is still running: the page shows what exists now.']
                  : []),
              ].join('\n'),
          );
          return exitCodes.ok;
        },
        noSetupCheck,
      );
    } finally {
      s3.destroy();
    }
  },
};
