import { z } from 'zod';
import { aspectRatioSchema } from './catalogue';
import { attemptReasons } from './metrics';
import { projectScenePhases } from './project-workflow';

/** The manifest's name beside the project's clips: scene ids start with a letter or digit, so it never is one. */
export const manifestFileName = '_manifest.json';

const usd = z.number().nonnegative();

const phaseSchema = z.enum(projectScenePhases);

export const manifestAttemptSchema = z
  .object({
    provider: z.string().describe('Provider key, e.g. `kling`'),
    model: z.string().optional().describe("The provider's model, as the run's catalogue named it"),
    state: z
      .enum([
        'creating',
        'queued',
        'running',
        'succeeded',
        'failed',
        'cancelled',
        'uploading',
        'uploaded',
        'unstored',
        'skipped',
      ])
      .describe('How the attempt ended (`skipped`: the provider was passed over without a task)'),
    reason: z
      .enum(attemptReasons)
      .optional()
      .describe("Why it ended, as a class (never the provider's message); absent for skipped providers"),
    costUsd: usd.describe('Billed for this attempt, USD'),
  })
  .strict();

export const manifestSceneSchema = z
  .object({
    sceneId: z.string(),
    sceneType: z.string(),
    workflowId: z
      .string()
      .describe('The scene workflow: `scene-video status <workflowId>` shows every attempt in full'),
    phase: phaseSchema.describe('`succeeded`: stored at `key`; `unstored`: generated but only at `providerVideoUrl`'),
    key: z.string().optional().describe('S3 key of the stored clip, in the manifest’s `bucket`'),
    url: z
      .string()
      .optional()
      .describe(
        'The clip’s object URL as the S3 SDK addresses it (needs bucket access; presign with `scene-video url`)',
      ),
    providerVideoUrl: z.string().optional().describe('Only for an `unstored` scene: the provider’s URL, which expires'),
    durationSec: z.number().positive().optional().describe('Delivered length, seconds'),
    aspectRatio: aspectRatioSchema.optional().describe('The aspect ratio the scene asked for'),
    provider: z.string().optional().describe('The provider that delivered the clip'),
    model: z.string().optional().describe("That provider's model, as the run's catalogue named it"),
    attempts: z
      .array(manifestAttemptSchema)
      .describe('Provider attempts in order (empty when the scene never ran or ran before attempts were recorded)'),
    costUsd: usd.describe('What the scene charged the project, USD'),
    reason: z
      .string()
      .optional()
      .describe('Why a scene was not stored: failed, cancelled or skipped (at most 500 characters, then a pointer)'),
    budget: z.enum(['skipped', 'stopped']).optional().describe('Set when the project budget skipped or stopped it'),
  })
  .strict();

export const projectManifestSchema = z
  .object({
    schemaVersion: z.literal(1),
    projectId: z.string(),
    workflowId: z.string().describe('The project workflow'),
    runId: z.string().describe('The project run that wrote this manifest'),
    finishedAt: z.string().describe('When the project finished (workflow time, ISO-8601 UTC)'),
    bucket: z.string().describe('The S3 bucket holding the scenes’ keys'),
    budgetUsd: usd.optional().describe('The project budget, USD, when it had one'),
    scenes: z.array(manifestSceneSchema).describe('Every scene, in project order'),
    totals: z
      .object({
        scenes: z.number().int().nonnegative(),
        costUsd: usd.describe('Sum of the scenes’ `costUsd`'),
        costByProviderUsd: z
          .record(z.string(), usd)
          .describe(
            'Spend per provider, from the attempts (a scene whose attempts are unknown counts under its provider)',
          ),
        counts: z.record(phaseSchema, z.number().int().nonnegative()).describe('Scenes per phase'),
      })
      .strict(),
  })
  .strict();

/** What a project leaves beside its clips (`<prefix>/<projectId>/_manifest.json`): which clip belongs where. */
export type ProjectManifest = z.infer<typeof projectManifestSchema>;
export type ManifestScene = z.infer<typeof manifestSceneSchema>;
export type ManifestAttempt = z.infer<typeof manifestAttemptSchema>;

/** Where a written manifest is. */
export interface ProjectManifestRef {
  key: string;
  /** Its object URL as the S3 SDK addresses it. */
  url: string;
}
