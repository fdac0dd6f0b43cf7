import { defaultCatalogue } from '../../../src/config/catalogue';

/** The sandbox's scenario and stats key for a catalogue provider, e.g. `kling` → `piapi:kling`. */
export function sandboxKey(provider: string): string {
  const p = defaultCatalogue.find((c) => c.key === provider);
  if (!p) throw new Error(`no provider ${provider} in the catalogue`);
  return `${p.route}:${p.model}`;
}
