export { connectFromEnv, loadClientEnv, type SceneVideoClient } from './connection';
export { InputTooLargeError, InvalidInputError, validateProjectInput, validateSceneInput } from './input-validation';
export { cancelProjectVideos, getProjectProgress, startProjectVideos, waitForProjectVideos } from './project-videos';
export { SceneIdentityMismatchError } from './scene-identity-check';
export { cancelSceneVideo, getSceneProgress, startSceneVideo, waitForSceneVideo } from './scene-video';
export type { SceneInput } from '../contract/scene-input';
export type { ProjectInput } from '../contract/project-input';
export type { SceneProgress, SceneVideoResult } from '../contract/scene-workflow';
export type { ProjectProgress, ProjectResult } from '../contract/project-workflow';
