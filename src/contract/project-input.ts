import { z } from 'zod';
import { businessIdSchema, moderationPolicySchema, pollingOptionsSchema, sceneInputSchema } from './scene-input';

/** A scene inside a project: the project supplies `projectId`. */
export const projectSceneSchema = sceneInputSchema.omit({ projectId: true });

export const projectInputSchema = z
  .object({
    /** Lets editors validate a project file against schemas/project.schema.json. */
    $schema: z.string().optional(),
    projectId: businessIdSchema,
    scenes: z
      .array(projectSceneSchema)
      .min(1, 'a project needs at least one scene')
      .max(500, 'at most 500 scenes per project'),
    maxConcurrentScenes: z.number().int().min(1).max(50).default(4),
    budgetUsd: z
      .number()
      .refine(Number.isFinite, 'must be a finite number')
      .positive('must be greater than 0')
      .optional(),
    polling: pollingOptionsSchema.optional(),
    /** Every scene's `moderation` policy, except a scene that sets its own. */
    moderation: moderationPolicySchema.optional(),
  })
  .strict()
  .superRefine((project, ctx) => {
    const seen = new Map<string, number>();
    project.scenes.forEach((scene, i) => {
      const first = seen.get(scene.sceneId);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['scenes', i, 'sceneId'],
          message: `duplicate sceneId "${scene.sceneId}" (also scenes[${first}])`,
        });
      } else seen.set(scene.sceneId, i);
    });
  });

export type ProjectInput = z.input<typeof projectInputSchema>;
export type ValidProjectInput = z.infer<typeof projectInputSchema>;

/** One scene of a validated project. */
export type ValidProjectScene = ValidProjectInput['scenes'][number];

/** The scene fields that make a project large and that validation passes through unchanged. */
export type EchoedField = 'prompt' | 'negativePrompt' | 'imageUrl';

/** A validated project without the scene fields that equal the raw input's (`withEchoedFields` restores them). */
export type SlimScene = Omit<ValidProjectScene, EchoedField> & Partial<Pick<ValidProjectScene, EchoedField>>;

export type SlimProject = Omit<ValidProjectInput, 'scenes'> & { scenes: SlimScene[] };
