import type { ProviderRanking } from '../contract/scene-workflow';
import type { Catalogue, ProviderConfig } from '../contract/catalogue';

const wordChar = /[\p{L}\p{N}]/u;
const separators = /[\s-]+/g;
const normalise = (text: string) => text.trim().toLowerCase().replace(separators, ' ');

/**
 * Whole words, case-insensitive; a space inside a keyword also matches a dash ("slow motion" ~ "slow-motion").
 * String search rather than one regex per keyword: this runs in every scene workflow, where nothing is cached.
 */
function mentions(prompt: string, keyword: string): boolean {
  const text = normalise(prompt);
  const word = normalise(keyword);
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    const before = text[at - 1];
    const after = text[at + word.length];
    if (!(before && wordChar.test(before)) && !(after && wordChar.test(after))) return true;
  }
  return false;
}

/** A scene type as strengths match it: case and surrounding blanks do not count. */
export function sceneTypeKey(sceneType: string): string {
  return sceneType.trim().toLowerCase();
}

/** Whether the provider lists the scene type (as `sceneTypeKey` gives it) among its strengths. */
export function strongIn(provider: Pick<ProviderConfig, 'strengths'>, type: string): boolean {
  return provider.strengths.some((s) => s.toLowerCase() === type);
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
  const type = sceneTypeKey(sceneType);
  return catalogue
    .filter((p) => configured.has(p.key))
    .map((p) => {
      const reasons = [`base ${100 - 10 * p.priority} (priority ${p.priority})`];
      let score = 100 - 10 * p.priority;
      if (strongIn(p, type)) {
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
