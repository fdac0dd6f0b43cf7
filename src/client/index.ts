export { connectFromEnv, loadClientEnv, type SceneVideoClient } from './connection';
export { InputTooLargeError, InvalidInputError, validateProjectInput, validateSceneInput } from './input-validation';
export { cancelProjectVideos, getProjectProgress, startProjectVideos, waitForProjectVideos } from './project-videos';
export { SceneIdentityMismatchError } from './scene-identity-check';
export { cancelSceneVideo, getSceneProgress, startSceneVideo, waitForSceneVideo } from './scene-video';
export type { SceneInput } from '../workflows/scene-input';
export type { ProjectInput } from '../workflows/project-input';
export type { SceneProgress, SceneVideoResult } from '../workflows/definitions';
export type { ProjectProgress, ProjectResult } from '../workflows/project-definitions';
