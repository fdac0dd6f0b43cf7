export { generateSceneVideo } from './generate-scene-video';
