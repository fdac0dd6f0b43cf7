export { generateProjectVideos } from './generate-project-videos';
export { generateSceneVideo } from './generate-scene-video';
export { providerGate } from './provider-gate';
