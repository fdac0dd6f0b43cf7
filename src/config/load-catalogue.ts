import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { catalogueSchema, providerConfigSchema, type Catalogue } from '../contract/catalogue';
import { formatZodError } from '../contract/format-zod-error';
import { defaultCatalogue, defaultEntries } from './catalogue';
import { catalogueEntrySchema } from './catalogue-entry';

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
  const catalogue = opts.file ? readCatalogueFile(opts.file) : defaultCatalogue;
  const disabled = new Set(
    (opts.disabled ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const unknown = [...disabled].filter((k) => !catalogue.some((p) => p.key === k));
  if (unknown.length > 0)
    throw new Error(`SCENE_VIDEO_DISABLED_PROVIDERS names unknown providers: ${unknown.join(', ')}`);
  return catalogue.filter((p) => !disabled.has(p.key));
}

function readCatalogueFile(file: string): Catalogue {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read provider catalogue ${file}: ${(err as Error).message}`);
  }
  const parsedFile = catalogueFileSchema.safeParse(json);
  if (!parsedFile.success) throw new Error(`Invalid provider catalogue ${file}: ${formatZodError(parsedFile.error)}`);
  const content = parsedFile.data;
  const entries = z.array(catalogueEntrySchema);
  const providers = Array.isArray(content)
    ? parse(entries, content, file, 'providers')
    : [...mergeOverrides(content.overrides ?? {}, file), ...parse(entries, content.add ?? [], file, 'add')];
  return parse(catalogueSchema, providers, file, 'providers');
}

/** The defaults with each override applied to its entry, before capabilities are merged in: a patch may narrow them. */
function mergeOverrides(overrides: Record<string, Record<string, unknown>>, file: string): Catalogue {
  for (const key of Object.keys(overrides)) {
    if (!defaultEntries.some((p) => p.key === key))
      throw new Error(`Invalid provider catalogue ${file}: overrides.${key}: no such provider`);
  }
  return defaultEntries.map((entry, i) => {
    const patch = overrides[entry.key];
    if (!patch) return defaultCatalogue[i]!;
    const where = `overrides.${entry.key}`;
    return parse(providerConfigSchema, parse(catalogueEntrySchema, { ...entry, ...patch }, file, where), file, where);
  });
}

function parse<S extends z.ZodType>(schema: S, value: unknown, file: string, root: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`Invalid provider catalogue ${file}: ${formatZodError(parsed.error, root)}`);
  return parsed.data;
}
