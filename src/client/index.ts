export {
  connectFromEnv,
  loadClientEnv,
  type ClientEnv,
  type ConnectOptions,
  type SceneVideoClient,
} from './connection';
export { NamespaceSetupError } from '../config/namespace-search-attributes';
export type { TemporalConnection } from '../config/temporal-connection';
export { loadCatalogue } from '../config/load-catalogue';
export type { Catalogue } from '../contract/catalogue';
export {
  InputTooLargeError,
  InvalidInputError,
  validateProjectInput,
  validateSceneInput,
  type InputIssue,
} from './input-validation';
export {
  cancelProjectVideos,
  getProjectProgress,
  startProjectVideos,
  waitForProjectVideos,
  type LiveProjectProgress,
  type StartedProject,
} from './project-videos';
export { SceneIdentityMismatchError } from './scene-identity-check';
export { presignedSceneClipUrl, SceneClipUnavailableError, type PresignedClip } from './clip-url';
export { presignedUrlExpiry, type StoredObject } from './object-urls';
export {
  cancelSceneVideo,
  getSceneProgress,
  startSceneVideo,
  waitForSceneVideo,
  type StartedScene,
  type StartOptions,
} from './scene-video';
export {
  sceneInputSchema,
  type ModerationPolicy,
  type SceneInput,
  type ValidSceneInput,
} from '../contract/scene-input';
export type { AttemptReason } from '../contract/metrics';
export { projectInputSchema, type ProjectInput, type ValidProjectInput } from '../contract/project-input';
export { projectWorkflowId, sceneWorkflowId } from '../contract/workflow-ids';
export {
  sceneWorkflowType,
  type AttemptProgress,
  type ScenePhase,
  type SceneProgress,
  type SceneVideoResult,
} from '../contract/scene-workflow';
export {
  projectWorkflowType,
  type ProjectProgress,
  type ProjectResult,
  type ProjectSceneAttempt,
  type ProjectScenePhase,
  type ProjectSceneStatus,
} from '../contract/project-workflow';
export {
  projectManifestSchema,
  type ManifestAttempt,
  type ManifestScene,
  type ProjectManifest,
  type ProjectManifestRef,
} from '../contract/project-manifest';
