import { defaultCatalogue, type Catalogue } from './catalogue';

export interface ProviderRanking {
  provider: string;
  score: number;
  reasons: string[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whole words, case-insensitive; a space inside a keyword also matches a dash ("slow motion" ~ "slow-motion"). */
function mentions(prompt: string, keyword: string): boolean {
  const body = keyword
    .trim()
    .split(/[\s-]+/)
    .map(escapeRegExp)
    .join('[\\s-]+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'iu').test(prompt);
}

/**
 * Scores every configured provider for a scene: base 100 − 10 × priority, +points per matched strength and prompt
 * keyword group. Pure and deterministic; ties keep catalogue order. Runs inside workflow code.
 */
export function rankProvidersForScene(
  catalogue: Catalogue,
  sceneType: string,
  visualPrompt: string,
  configuredProviders: readonly string[],
): ProviderRanking[] {
  const configured = new Set(configuredProviders);
  const type = sceneType.trim().toLowerCase();
  return catalogue
    .filter((p) => configured.has(p.key))
    .map((p) => {
      const reasons = [`base ${100 - 10 * p.priority} (priority ${p.priority})`];
      let score = 100 - 10 * p.priority;
      if (p.strengths.some((s) => s.toLowerCase() === type)) {
        score += 50;
        reasons.push(`+50 strength "${type}"`);
      }
      for (const boost of p.promptBoosts) {
        const hits = boost.keywords.filter((k) => mentions(visualPrompt, k));
        if (hits.length > 0) {
          score += boost.points;
          reasons.push(`+${boost.points} prompt mentions ${hits.map((h) => `"${h}"`).join(', ')}`);
        }
      }
      return { provider: p.key, score, reasons };
    })
    .map((r, index) => ({ r, index }))
    .sort((a, b) => b.r.score - a.r.score || a.index - b.index)
    .map(({ r }) => r);
}

/** The original design's ranking over the default catalogue: provider keys, best first, configured ones only. */
export function selectProvidersForScene(
  sceneType: string,
  visualPrompt: string,
  configuredProviders: readonly string[],
): string[] {
  return rankProvidersForScene(defaultCatalogue, sceneType, visualPrompt, configuredProviders).map((r) => r.provider);
}
