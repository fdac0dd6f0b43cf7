import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { catalogueSchema, providerConfigSchema, type Catalogue } from '../contract/catalogue';
import { defaultCatalogue } from './catalogue';
import { formatZodError } from '../contract/format-zod-error';

/**
 * A catalogue file is either a complete JSON array of providers (replaces the defaults) or
 * `{ "overrides": { "<key>": { …fields… } }, "add": [ …providers… ] }` merged into the defaults.
 */
const catalogueFileSchema = z.union([
  z.array(z.unknown()),
  z
    .object({
      overrides: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
      add: z.array(z.unknown()).optional(),
    })
    .strict(),
]);

export function loadCatalogue(opts: { file?: string; disabled?: string } = {}): Catalogue {
  let raw: unknown = defaultCatalogue;
  if (opts.file) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(opts.file, 'utf8'));
    } catch (err) {
      throw new Error(`Cannot read provider catalogue ${opts.file}: ${(err as Error).message}`);
    }
    const file = catalogueFileSchema.safeParse(json);
    if (!file.success) throw new Error(`Invalid provider catalogue ${opts.file}: ${formatZodError(file.error)}`);
    raw = Array.isArray(file.data)
      ? file.data
      : mergeOverrides(file.data.overrides ?? {}, file.data.add ?? [], opts.file);
  }
  const parsed = catalogueSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `Invalid provider catalogue${opts.file ? ` ${opts.file}` : ''}: ${formatZodError(parsed.error, 'providers')}`,
    );
  const disabled = new Set(
    (opts.disabled ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const unknown = [...disabled].filter((k) => !parsed.data.some((p) => p.key === k));
  if (unknown.length > 0)
    throw new Error(`SCENE_VIDEO_DISABLED_PROVIDERS names unknown providers: ${unknown.join(', ')}`);
  return parsed.data.filter((p) => !disabled.has(p.key));
}

function mergeOverrides(overrides: Record<string, Record<string, unknown>>, add: unknown[], file: string): unknown[] {
  for (const key of Object.keys(overrides)) {
    if (!defaultCatalogue.some((p) => p.key === key))
      throw new Error(`Invalid provider catalogue ${file}: overrides.${key}: no such provider`);
  }
  const merged = defaultCatalogue.map((p) => {
    const patch = overrides[p.key];
    if (!patch) return p;
    const result = providerConfigSchema.safeParse({ ...p, ...patch });
    if (!result.success)
      throw new Error(`Invalid provider catalogue ${file}: ${formatZodError(result.error, `overrides.${p.key}`)}`);
    return result.data;
  });
  return [...merged, ...add];
}
