import { defaultCatalogue } from './catalogue';
import { rankProvidersForScene } from '../domain/ranking';

/** The original design's ranking over the default catalogue: provider keys, best first, configured ones only. */
export function selectProvidersForScene(
  sceneType: string,
  visualPrompt: string,
  configuredProviders: readonly string[],
): string[] {
  return rankProvidersForScene(defaultCatalogue, sceneType, visualPrompt, configuredProviders).map((r) => r.provider);
}
